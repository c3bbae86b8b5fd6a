from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated

from crm.views import healthz, reminder_mark, reminders_inbox, reminders_mark

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("reminders/", reminders_inbox, name="reminders"),
    path("reminders/mark/", reminders_mark, name="reminders_mark"),
    path("reminders/<int:pk>/<str:status>/", reminder_mark, name="reminder_mark"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("crm.api.urls")),
    # Schema and docs for signed-in users only: a token client gets the schema, a browser is sent to the login page.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api_schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api_schema", permission_classes=[IsAuthenticated])),
        name="api_docs",
    ),
    path(
        "api/redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api_schema", permission_classes=[IsAuthenticated])),
        name="api_redoc",
    ),
    path("", include("analytics.urls")),
    path("", include("archives.urls")),
    path("", include("credit.urls")),
    path("", include("customers.urls")),
    path("", include("imports.urls")),
]

handler400 = "crm.api.fallback.bad_request"
handler403 = "crm.api.fallback.permission_denied"
handler404 = "crm.api.fallback.page_not_found"
handler500 = "crm.api.fallback.server_error"
