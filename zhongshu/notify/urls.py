from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("settings/", views.preferences, name="settings"),
    path("admin/outbox/", views.outbox_list, name="admin_outbox"),
    path("admin/outbox/<int:pk>/retry/", views.outbox_retry, name="admin_outbox_retry"),
    path("admin/robots/", views.robot_list, name="admin_robots"),
    path("admin/robots/<int:pk>/", views.robot_edit, name="admin_robot_edit"),
    path("admin/robots/<int:pk>/delete/", views.robot_delete, name="admin_robot_delete"),
    path("admin/hosts/", views.host_list, name="admin_hosts"),
    path("admin/hosts/<int:pk>/delete/", views.host_delete, name="admin_host_delete"),
]
