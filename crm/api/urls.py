"""``/api/v1/``: auth tokens and every app's endpoints; the schema and docs live at ``/api/schema/``, ``/api/docs/``."""

from django.urls import include, path

from crm.api import views

urlpatterns = [
    path("auth/token/", views.TokenCreateApi.as_view(), name="api_token"),
    path("auth/token/revoke/", views.TokenRevokeApi.as_view(), name="api_token_revoke"),
    path("auth/token/revoke-all/", views.TokenRevokeAllApi.as_view(), name="api_token_revoke_all"),
    path("reminders/", views.ReminderListApi.as_view(), name="api_reminders"),
    path("reminders/<int:pk>/done/", views.ReminderDoneApi.as_view(), name="api_reminder_done"),
    path("", include("customers.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("archives.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("imports.api.urls")),
]
