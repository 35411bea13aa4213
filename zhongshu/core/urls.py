from django.urls import path

from . import views, views_audit

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
]
