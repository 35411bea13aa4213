"""URLs of internal memos (签报, issue 5 §10; see urls.py): the list and its export, drafting,
the memo's page with its decisions, who decides, and the printable 签报处理单."""

from django.urls import path

from . import views_memo as views

urlpatterns = [
    path("memos/", views.memo_list, name="memo_list"),
    path("memos/export/", views.memo_export, name="memo_export"),
    path("memos/new/", views.memo_create, name="memo_new"),
    path("memos/<int:pk>/", views.memo_detail, name="memo_detail"),
    path("memos/<int:pk>/edit/", views.memo_edit, name="memo_edit"),
    path("memos/<int:pk>/submit/", views.memo_submit, name="memo_submit"),
    path("memos/<int:pk>/route/", views.memo_route, name="memo_route"),
    path("memos/<int:pk>/delete/", views.memo_delete, name="memo_delete"),
    path("memos/<int:pk>/sheet/", views.memo_sheet, name="memo_sheet"),
]
