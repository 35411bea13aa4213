"""URLs of the numbering area (see urls.py): series, 登记, 份号 and the 发文登记簿."""

from django.urls import path

from . import views_numbering as views

urlpatterns = [
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/deactivate/", views.series_deactivate, name="series_deactivate"),
    path("series/<int:pk>/reactivate/", views.series_reactivate, name="series_reactivate"),
    path("register/", views.register_book, name="register_book"),
    path("register/export/", views.register_export, name="register_export"),
    path("register/pending/", views.register_pending, name="register_pending"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/copies/", views.number_copies, name="number_copies"),
    path("numbers/<int:pk>/void/", views.number_void, name="number_void"),
]
