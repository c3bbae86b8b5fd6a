from django.urls import path

from customers import duplicate_views, find_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/export/<str:file_format>/", find_views.customer_export, name="customer_export"),
    path("search/", find_views.customer_search, name="customer_search"),
    path("customers/duplicates/", duplicate_views.duplicate_list, name="duplicate_list"),
    path("customers/<str:code>/", views.customer_detail, name="customer_detail"),
    path("customers/<str:code>/edit/<str:section>/", views.section_edit, name="section_edit"),
    path("customers/<str:code>/contacts/new/", views.contact_edit, name="contact_create"),
    path("customers/<str:code>/contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("customers/<str:code>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("customers/<str:code>/interactions/", views.interaction_list, name="interaction_list"),
    path("customers/<str:code>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("customers/<str:code>/documents/new/", views.credit_document_create, name="credit_document_create"),
    path(
        "customers/<str:code>/documents/<int:document_id>/file/",
        views.credit_document_file,
        name="credit_document_file",
    ),
    path("customers/<str:code>/merge/", duplicate_views.customer_merge_page, name="customer_merge"),
    path("customers/<str:code>/history/", views.history, name="customer_history"),
    path("customers/<str:code>/review/", views.review_record, name="customer_review"),
    path("customers/<str:code>/owner/", views.customer_reassign, name="customer_reassign"),
    path("customers/<str:code>/archive/", views.customer_archive, name="customer_archive"),
    path("customers/<str:code>/restore/", views.customer_restore, name="customer_restore"),
]
