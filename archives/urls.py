from django.urls import path

from archives import views

urlpatterns = [
    path("archives/", views.register, name="archive_register"),
    path("archives/customers/<str:code>/", views.catalogue, name="archive_catalogue"),
    path("archives/customers/<str:code>/register/", views.document_register, name="archive_document_register"),
    path("archives/documents/<str:number>/", views.document_detail, name="archive_document"),
    path("archives/documents/<str:number>/edit/", views.document_edit, name="archive_document_edit"),
    path("archives/documents/<str:number>/scan/", views.scan_upload, name="archive_scan_upload"),
    path("archives/documents/<str:number>/download/", views.scan_download, name="archive_scan_download"),
    path(
        "archives/documents/<str:number>/missing/", views.document_mark, {"missing": "missing"}, name="archive_missing"
    ),
    path("archives/documents/<str:number>/found/", views.document_mark, {"missing": "found"}, name="archive_found"),
    path("archives/documents/<str:number>/borrow/", views.borrowing_request, name="archive_borrow"),
    path("archives/borrowings/", views.borrowings, name="archive_borrowings"),
    path("archives/borrowings/<int:pk>/<str:action>/", views.borrowing_step, name="archive_borrowing_step"),
    path("archives/access-log/", views.access_log, name="access_log"),
    path("archives/handover/", views.handover, name="archive_handover"),
    path("archives/handovers/", views.handovers, name="archive_handovers"),
    path("archives/handovers/<int:pk>/", views.handover_detail, name="archive_handover_detail"),
]
