from django.urls import path

from analytics import views

urlpatterns = [
    path("analytics/", views.composition, name="analytics"),
    path("analytics/composition/", views.composition, name="analytics_composition"),
    path("analytics/segments/", views.segments, name="analytics_segments"),
    path("analytics/behaviour/", views.behaviour, name="analytics_behaviour"),
    path("analytics/customers/", views.customers, name="analytics_customers"),
]
