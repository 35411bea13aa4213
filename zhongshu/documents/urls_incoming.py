"""URLs of incoming documents (收文, issue 5; see urls.py): the list and the 收文登记簿, 签收 and
登记, the document with its 初审, the printable 退文通知单, the 分送 of a 阅件 and the readers'
own list."""

from django.urls import path

from . import views_incoming as views
from . import views_incoming_handling as handling
from . import views_incoming_list as lists
from . import views_incoming_print as prints

urlpatterns = [
    path("incoming/", lists.incoming_list, name="incoming_list"),
    path("incoming/export/", lists.incoming_export, name="incoming_export"),
    path("incoming/register/", views.incoming_register, name="incoming_register"),
    path("incoming/to-read/", views.incoming_to_read, name="incoming_to_read"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/accept/", views.incoming_accept, name="incoming_accept"),
    path("incoming/<int:pk>/return/", views.incoming_return, name="incoming_return"),
    path(
        "incoming/<int:pk>/return-notice/",
        views.incoming_return_notice,
        name="incoming_return_notice",
    ),
    path("incoming/<int:pk>/send/", views.incoming_send, name="incoming_send"),
    # Handling a 办件
    path("incoming/<int:pk>/start/", handling.incoming_start, name="incoming_start"),
    path("incoming/<int:pk>/propose/", handling.incoming_propose, name="incoming_propose"),
    path("incoming/<int:pk>/instruct/", handling.incoming_instruct, name="incoming_instruct"),
    path("incoming/<int:pk>/report/", handling.incoming_report, name="incoming_report"),
    path("incoming/<int:pk>/send-back/", handling.incoming_send_back, name="incoming_send_back"),
    path("incoming/<int:pk>/circulate/", handling.incoming_circulate, name="incoming_circulate"),
    path("incoming/<int:pk>/comment/", handling.incoming_comment, name="incoming_comment"),
    path("incoming/<int:pk>/remind/", handling.incoming_remind, name="incoming_remind"),
    path("incoming/<int:pk>/close/", handling.incoming_close, name="incoming_close"),
    path("incoming/<int:pk>/file/", handling.incoming_file, name="incoming_file"),
    path("incoming/<int:pk>/archive/", handling.incoming_archive, name="incoming_archive"),
    path("incoming/<int:pk>/sheet/", prints.incoming_sheet, name="incoming_sheet"),
    path(
        "incoming/<int:pk>/reminders/<int:reminder>/",
        prints.incoming_reminder_sheet,
        name="incoming_reminder_sheet",
    ),
]
