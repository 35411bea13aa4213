"""URLs of the classified copies register (涉密载体登记簿, issue 5 item 9; see urls.py): the
register and its export, meeting papers, a copy and its lending, the 清退单 and 销毁单 with their
steps and print pages."""

from django.urls import path

from . import views_copies as views

urlpatterns = [
    path("copies/", views.copy_list, name="copy_list"),
    path("copies/export/", views.copy_export, name="copy_export"),
    path("copies/register/", views.copy_register, name="copy_register"),
    path("copies/backfill/", views.copy_backfill, name="copy_backfill"),
    path("copies/prepare/", views.copy_prepare, name="copy_prepare"),
    path("copies/<int:pk>/", views.copy_detail, name="copy_detail"),
    path("copies/<int:pk>/lend/", views.copy_lend, name="copy_lend"),
    path("copies/<int:pk>/back/", views.copy_back, name="copy_back"),
    path("copies/<int:pk>/number/", views.copy_number, name="copy_number"),
    path("copies/lists/", views.copy_disposals, name="copy_disposals"),
    path("copies/lists/<int:pk>/", views.copy_disposal, name="copy_disposal"),
    path(
        "copies/lists/<int:pk>/approve/",
        views.copy_disposal_approve,
        name="copy_disposal_approve",
    ),
    path(
        "copies/lists/<int:pk>/execute/",
        views.copy_disposal_execute,
        name="copy_disposal_execute",
    ),
    path(
        "copies/lists/<int:pk>/confirm/",
        views.copy_disposal_confirm,
        name="copy_disposal_confirm",
    ),
    path("copies/lists/<int:pk>/cancel/", views.copy_disposal_cancel, name="copy_disposal_cancel"),
    path("copies/lists/<int:pk>/print/", views.copy_disposal_print, name="copy_disposal_print"),
]
