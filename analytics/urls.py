from django.urls import path

from analytics import views

urlpatterns = [
    path("analytics/", views.composition, name="analytics"),
    path("analytics/composition/", views.composition, name="analytics_composition"),
    path("analytics/trend/", views.trend, name="analytics_trend"),
    path("analytics/correlation/", views.correlation, name="analytics_correlation"),
    path("analytics/pareto/", views.pareto, name="analytics_pareto"),
    path("analytics/ageing/", views.ageing, name="analytics_ageing"),
    path("analytics/segments/", views.segments, name="analytics_segments"),
    path("analytics/behaviour/", views.behaviour, name="analytics_behaviour"),
    path("analytics/customers/", views.customers, name="analytics_customers"),
    path("analytics/dashboard/over-90/", views.dashboard_over_90, name="dashboard_over_90"),
]
