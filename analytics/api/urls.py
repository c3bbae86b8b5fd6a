"""``/api/v1/analytics/``: API.md "Analysis"."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("analytics/composition/", views.CompositionApi.as_view(), name="api_analytics_composition"),
    path("analytics/trend/", views.TrendApi.as_view(), name="api_analytics_trend"),
    path("analytics/correlation/", views.CorrelationApi.as_view(), name="api_analytics_correlation"),
    path("analytics/pareto/", views.ParetoApi.as_view(), name="api_analytics_pareto"),
    path("analytics/ageing/", views.AgeingApi.as_view(), name="api_analytics_ageing"),
    path("analytics/segments/", views.SegmentListApi.as_view(), name="api_analytics_segments"),
    path("analytics/segments/summary/", views.SegmentSummaryApi.as_view(), name="api_analytics_segment_summary"),
    path("analytics/clusters/", views.ClusterListApi.as_view(), name="api_analytics_clusters"),
    path("analytics/behaviour/", views.BehaviourApi.as_view(), name="api_analytics_behaviour"),
]
