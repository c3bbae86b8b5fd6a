from django.urls import path

from credit.api import views

urlpatterns = [
    path("credit-policy/preview/", views.PolicyPreviewApi.as_view(), name="api_policy_preview"),
    path("credit-policy/backtests/<int:pk>/", views.PolicyBacktestApi.as_view(), name="api_policy_backtest"),
    path("customers/<str:code>/orders/", views.OrderListCreateApi.as_view(), name="api_order_list"),
    path("customers/<str:code>/payments/", views.PaymentListCreateApi.as_view(), name="api_payment_list"),
    path("customers/<str:code>/credit/", views.CreditProfileApi.as_view(), name="api_credit_profile"),
    path("customers/<str:code>/credit-file/", views.CreditFileApi.as_view(), name="api_credit_file"),
    path("customers/<str:code>/assessments/", views.AssessmentListCreateApi.as_view(), name="api_assessment_list"),
    path(
        "customers/<str:code>/credit-limit-requests/",
        views.LimitRequestListCreateApi.as_view(),
        name="api_limit_request_list",
    ),
    path("customers/<str:code>/credit-reports/", views.CreditReportCreateApi.as_view(), name="api_credit_report"),
    path(
        "orders/<str:number>/release/",
        views.OrderActionApi.as_view(action_name="release", permission="credit.decide_held_order"),
        name="api_order_release",
    ),
    path(
        "orders/<str:number>/reject/",
        views.OrderActionApi.as_view(action_name="reject", permission="credit.decide_held_order"),
        name="api_order_reject",
    ),
    path(
        "orders/<str:number>/cancel/",
        views.OrderActionApi.as_view(action_name="cancel", permission="credit.cancel_order"),
        name="api_order_cancel",
    ),
    path("orders/<str:number>/credit-notes/", views.CreditNoteListCreateApi.as_view(), name="api_credit_notes"),
    path("scoring-models/", views.ScoringModelListApi.as_view(), name="api_scoring_models"),
    path(
        "credit-limit-requests/<int:pk>/approve/",
        views.LimitDecisionApi.as_view(decision="approve"),
        name="api_limit_approve",
    ),
    path(
        "credit-limit-requests/<int:pk>/reject/",
        views.LimitDecisionApi.as_view(decision="reject"),
        name="api_limit_reject",
    ),
]
