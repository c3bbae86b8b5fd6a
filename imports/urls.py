from django.urls import path

from imports import views

urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/mapping/", views.import_remap, name="import_remap"),
    path("imports/<int:pk>/mapping/save/", views.mapping_save, name="import_mapping_save"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/undo/", views.import_undo, name="import_undo"),
]
