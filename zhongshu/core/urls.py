from django.urls import include, path

from . import views, views_attachments, views_audit, views_files

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
    path("calendar/", include("zhongshu.core.urls_calendar")),
    path("files/<int:pk>/", views_files.file_download, name="file_download"),
    path("files/<int:pk>/delete/", views_attachments.attachment_delete, name="attachment_delete"),
    path(
        "files/of/<str:owner_type>/<str:owner_id>/",
        views_attachments.attachment_panel,
        name="attachment_panel",
    ),
    path(
        "files/of/<str:owner_type>/<str:owner_id>/upload/",
        views_attachments.attachment_upload,
        name="attachment_upload",
    ),
]
