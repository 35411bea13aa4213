from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("batch-approve/", views.batch_approve, name="batch_approve"),
    path("cc/read-all/", views.cc_read_all, name="cc_read_all"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("items/<int:pk>/decide/", views.decide, name="decide"),
    path("routes/", views.route_list, name="route_list"),
    path("routes/new/", views.route_create, name="route_create"),
    path("routes/<int:pk>/", views.route_edit, name="route_edit"),
    path("settings/", views.my_settings, name="settings"),
    path("colleagues/", views.colleague_search, name="colleagues"),
]
