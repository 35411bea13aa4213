"""URLs of drafting, lists, the document page and the directory of external organs (see urls.py)."""

from django.urls import path

from . import views_drafting as views

urlpatterns = [
    path("", views.document_list, name="list"),
    path("export/", views.document_export, name="export"),
    path("new/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/submit/", views.document_submit, name="submit"),
    path("<int:pk>/versions/", views.version_list, name="versions"),
    path("<int:pk>/compare/", views.version_compare, name="compare"),
    path("<int:pk>/joint-signature/", views.joint_signature, name="joint_signature"),
    path("organs/", views.organ_list, name="organ_list"),
    path("organs/new/", views.organ_create, name="organ_create"),
    path("organs/<int:pk>/edit/", views.organ_edit, name="organ_edit"),
    path("organs/<int:pk>/deactivate/", views.organ_deactivate, name="organ_deactivate"),
]
