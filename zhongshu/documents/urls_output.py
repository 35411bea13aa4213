"""URLs of the output area (see urls.py): downloads, findings, the 发文稿纸 and the typo list."""

from django.urls import path

from . import views_output as views

urlpatterns = [
    path("<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:pk>/docx/", views.document_docx, name="document_docx"),
    path("<int:pk>/pdf/copies/", views.document_pdf_copies, name="document_pdf_copies"),
    path("<int:pk>/findings/", views.document_findings, name="document_findings"),
    path("<int:pk>/findings/override/", views.finding_override, name="finding_override"),
    path("<int:pk>/cover-sheet/", views.cover_sheet, name="cover_sheet"),
    path("<int:pk>/cover-sheet/pdf/", views.cover_sheet_pdf, name="cover_sheet_pdf"),
    path("typos/", views.typo_list, name="typo_list"),
    path("typos/<int:pk>/delete/", views.typo_delete, name="typo_delete"),
]
