"""URLs of the office's steps after 签发 (see urls.py): 复核, 印制, 用印 and the seal register,
核发 with the distribution list and read receipts, 归档."""

from django.urls import path

from . import views_handling as views

urlpatterns = [
    path("after-signing/", views.handling_queue, name="handling_queue"),
    path("<int:pk>/check/", views.handling_check, name="handling_check"),
    path("<int:pk>/print/", views.handling_print, name="handling_print"),
    path("<int:pk>/seal/", views.handling_seal, name="handling_seal"),
    path("seals/", views.seal_register, name="seal_register"),
    path("seals/export/", views.seal_register_export, name="seal_register_export"),
    path("<int:pk>/distribute/", views.dispatch, name="dispatch"),
    path("<int:pk>/distribute/external/", views.dispatch_external, name="dispatch_external"),
    path("<int:pk>/distribution-list/", views.dispatch_list, name="dispatch_list"),
    path("<int:pk>/receipts/", views.dispatch_receipts, name="dispatch_receipts"),
    path("<int:pk>/file/", views.archive_view, name="archive"),
    path("<int:pk>/archive/", views.archive_download, name="archive_download"),
]
