from django.urls import path

from . import views_calendar

urlpatterns = [
    path("", views_calendar.calendar_list, name="calendar_list"),
    path("new/", views_calendar.calendar_create, name="calendar_create"),
    path("<int:pk>/edit/", views_calendar.calendar_edit, name="calendar_edit"),
    path("<int:pk>/delete/", views_calendar.calendar_delete, name="calendar_delete"),
]
