"""``/api/v1/analytics/``: API.md "Analysis"."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("analytics/composition/", views.CompositionApi.as_view(), name="api_analytics_composition"),
]
