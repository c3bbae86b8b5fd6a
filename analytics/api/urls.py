"""``/api/v1/analytics/``: API.md "Analysis"."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("analytics/composition/", views.CompositionApi.as_view(), name="api_analytics_composition"),
    path("analytics/segments/", views.SegmentListApi.as_view(), name="api_analytics_segments"),
    path("analytics/segments/summary/", views.SegmentSummaryApi.as_view(), name="api_analytics_segment_summary"),
    path("analytics/clusters/", views.ClusterListApi.as_view(), name="api_analytics_clusters"),
    path("analytics/behaviour/", views.BehaviourApi.as_view(), name="api_analytics_behaviour"),
]
