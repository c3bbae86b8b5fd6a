from django.urls import path

from archives.api import views

urlpatterns = [
    path("customers/<str:code>/documents/", views.CustomerDocumentsApi.as_view(), name="api_customer_documents"),
    path("archive-documents/<str:number>/", views.ArchiveDocumentApi.as_view(), name="api_archive_document"),
    path("archive-documents/<str:number>/scan/", views.ArchiveScanApi.as_view(), name="api_archive_scan"),
]
