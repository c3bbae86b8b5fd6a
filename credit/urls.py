from django.urls import path

from credit import views

urlpatterns = [
    path("customers/<str:code>/credit/", views.customer_credit, name="customer_credit"),
    path("customers/<str:code>/credit/file.pdf", views.credit_file, name="credit_file"),
    path("customers/<str:code>/credit/assess/<str:method>/", views.assessment_create, name="credit_assess"),
    path("customers/<str:code>/credit/limit-request/", views.limit_request_create, name="credit_limit_request"),
    path("customers/<str:code>/credit/override/", views.grade_override, name="credit_grade_override"),
    path("customers/<str:code>/credit/core-pin/", views.core_pin, name="credit_core_pin"),
    path("credit/", views.dashboard, name="credit_dashboard"),
    path("credit/approvals/", views.approvals, name="credit_approvals"),
    path("credit/approvals/<int:pk>/", views.limit_review, name="credit_limit_review"),
    path("credit/approvals/<int:pk>/<str:decision>/", views.limit_decide, name="credit_limit_decide"),
    path("credit/holds/", views.holds, name="credit_holds"),
    path("credit/holds/<str:number>/<str:action>/", views.order_decide, name="credit_order_decide"),
    path("credit/policy/", views.policy, name="credit_policy"),
    path("credit/policy/backtests/<int:pk>/", views.policy_backtest, name="credit_policy_backtest"),
]
