from django.urls import path

from customers.api import views

urlpatterns = [
    path("customers/", views.CustomerListCreateApi.as_view(), name="api_customer_list"),
    path("customers/deleted/", views.DeletedCustomerListApi.as_view(), name="api_customer_deleted"),
    path("customers/duplicates/", views.CustomerDuplicateListApi.as_view(), name="api_customer_duplicates"),
    path("customers/bulk-upsert/", views.CustomerBulkUpsertApi.as_view(), name="api_customer_bulk_upsert"),
    path("customers/<str:code>/", views.CustomerDetailApi.as_view(), name="api_customer_detail"),
    path("customers/<str:code>/merge/", views.CustomerMergeApi.as_view(), name="api_customer_merge"),
    path("customers/<str:code>/history/", views.CustomerHistoryApi.as_view(), name="api_customer_history"),
    path("customers/<str:code>/contacts/", views.ContactListCreateApi.as_view(), name="api_contact_list"),
    path("customers/<str:code>/contacts/<int:pk>/", views.ContactDetailApi.as_view(), name="api_contact_detail"),
    path("customers/<str:code>/interactions/", views.InteractionListCreateApi.as_view(), name="api_interaction_list"),
]
