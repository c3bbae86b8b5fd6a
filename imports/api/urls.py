from django.urls import path

from imports.api import views

urlpatterns = [
    path("imports/", views.ImportCreateApi.as_view(), name="api_imports"),
    path("imports/<int:pk>/", views.ImportApi.as_view(), name="api_import"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmApi.as_view(), name="api_import_confirm"),
    path("imports/<int:pk>/undo/", views.ImportUndoApi.as_view(), name="api_import_undo"),
]
