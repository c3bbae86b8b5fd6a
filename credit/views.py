"""Browser pages for credit staff (DOMAIN §3–§6): credit panel, assessments, queues, policy, dashboard."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from credit import selectors, services
from credit.forms import AssessmentForm, CreditPolicyForm, GradeOverrideForm, LimitDecisionForm, LimitRequestForm
from credit.models import (
    SALES_POLICY_LABELS,
    CreditLimitRequest,
    CreditProfile,
    Order,
    PaymentGrade,
    ScoringModel,
    Tier,
    reason_texts,
)
from credit.rules.scoring import RatingError
from crm.http import http_errors
from crm.models import AccessLog
from customers import selectors as customer_selectors
from customers.models import Customer


def _customer(request, code: str, perm: str = "customers.view_dossier") -> Customer:
    with http_errors():
        return customer_selectors.dossier_for(user=request.user, code=code, perm=perm)


def _credit_read(request, code: str) -> Customer:
    """The dossier's credit part as the user may see it (refused when only the masked dossier is theirs), logged
    like every full read (DOMAIN §1)."""
    with http_errors():
        dossier = customer_selectors.dossier_read(
            user=request.user,
            code=code,
            channel=AccessLog.Channel.WEB,
            today=timezone.localdate(),
            part=customer_selectors.DossierPart.CREDIT,
        )
    return dossier.customer


def _credit_url(customer: Customer) -> str:
    return reverse("customer_credit", args=[customer.code])


def _panel_context(request, customer: Customer) -> dict:
    profile = selectors.credit_profile_read(customer=customer, today=timezone.localdate())
    may = {
        name: request.user.has_perm(f"credit.{name}", customer)
        for name in ("assess", "request_limit", "override_grade", "decide_limit", "decide_held_order")
    }
    return {
        "customer": customer,
        "profile": profile,
        "sales_policy": SALES_POLICY_LABELS.get(profile.sales_policy, profile.sales_policy),
        "reasons": reason_texts(profile.reasons, selectors.policy_current().as_rule()),
        "history": list(selectors.credit_history(customer=customer)[:12]),
        "orders": list(selectors.customer_orders(customer=customer)[:10]),
        "payments": list(selectors.customer_payments(customer=customer)[:10]),
        "assessments": list(selectors.customer_assessments(customer=customer)[:5]),
        "requests": list(selectors.customer_limit_requests(customer=customer)[:5]),
        "models": list(ScoringModel.objects.order_by("key", "-version")),
        "may": may,
    }


@login_required
def customer_credit(request, code: str):
    """The credit panel: profile with reasons, tier/grade history, orders, payments, decisions."""
    customer = _credit_read(request, code)
    template = "credit/panel.html" if request.headers.get("HX-Request") else "credit/customer_credit.html"
    return render(request, template, _panel_context(request, customer))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, code: str, method: str):
    customer = _customer(request, code, "credit.assess")
    if method not in ("5c", "feature"):
        raise Http404
    model = None
    if method == "feature":
        model_id = request.POST.get("model") or request.GET.get("model")
        model = get_object_or_404(ScoringModel, pk=model_id) if model_id else ScoringModel.objects.get(is_default=True)
    suggested = selectors.suggested_five_c(customer=customer) if method == "5c" else {}
    form = AssessmentForm(request.POST or None, method=method, model=model, suggested=suggested)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit(
                customer=customer,
                method=method,
                ratings=form.ratings(),
                model=model,
                notes=form.cleaned_data["notes"],
                by=request.user,
                today=timezone.localdate(),
            )
        except RatingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Assessment submitted."))
            return redirect(_credit_url(customer))
    context = {"customer": customer, "form": form, "method": method, "model": model, "suggested": suggested}
    return render(request, "credit/assessment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def limit_request_create(request, code: str):
    customer = _customer(request, code, "credit.request_limit")
    profile = selectors.credit_profile_read(customer=customer, today=timezone.localdate())
    initial = {"amount": profile.recommended_limit, "payment_terms_days": customer.payment_terms_days}
    form = LimitRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.credit_limit_request_create(
            customer=customer, by=request.user, today=timezone.localdate(), **form.cleaned_data
        )
        messages.success(request, _("Limit request sent to the credit managers."))
        return redirect(_credit_url(customer))
    return render(
        request,
        "credit/simple_form.html",
        {"customer": customer, "form": form, "profile": profile, "heading": _("Request a credit limit")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_override(request, code: str):
    customer = _customer(request, code, "credit.override_grade")
    form = GradeOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.grade_override_set(customer=customer, by=request.user, today=timezone.localdate(), **form.cleaned_data)
        messages.success(request, _("Grade overridden."))
        return redirect(_credit_url(customer))
    return render(
        request,
        "credit/simple_form.html",
        {"customer": customer, "form": form, "heading": _("Override the payment grade")},
    )


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@login_required
def approvals(request):
    """Pending limit requests, oldest first (DOMAIN §6.3)."""
    _require(request, "credit.view_credit_queues")
    pending = (
        CreditLimitRequest.objects.filter(status=CreditLimitRequest.Status.PENDING)
        .select_related("customer", "customer__owner", "customer__credit_profile", "requested_by")
        .order_by("requested_at", "id")
    )
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "credit/approvals.html", {"page": page, "form": LimitDecisionForm()})


@login_required
@require_POST
def limit_decide(request, pk: int, decision: str):
    limit_request = get_object_or_404(CreditLimitRequest.objects.select_related("customer"), pk=pk)
    if not request.user.has_perm("credit.decide_limit", limit_request.customer):
        raise PermissionDenied
    form = LimitDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision could not be saved: check the amount."))
        return redirect("credit_approvals")
    try:
        if decision == "approve":
            services.credit_limit_approve(
                request=limit_request, by=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        else:
            services.credit_limit_reject(
                request=limit_request, by=request.user, today=timezone.localdate(), note=form.cleaned_data["note"]
            )
    except services.CreditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Decision recorded for %(code)s.") % {"code": limit_request.customer.code})
    return redirect("credit_approvals")


@login_required
def holds(request):
    """Orders on credit hold, oldest first (DOMAIN §6.4)."""
    _require(request, "credit.view_credit_queues")
    held = (
        Order.objects.filter(status=Order.Status.CREDIT_HOLD)
        .select_related("customer", "customer__owner", "customer__credit_profile", "created_by")
        .order_by("created_at", "id")
    )
    page = Paginator(held, 50).get_page(request.GET.get("page"))
    return render(request, "credit/holds.html", {"page": page})


@login_required
@require_POST
def order_decide(request, number: str, action: str):
    order = get_object_or_404(Order.objects.select_related("customer"), number=number)
    if action not in ("release", "reject") or not request.user.has_perm("credit.decide_held_order", order.customer):
        raise PermissionDenied
    try:
        services.order_transition(order=order, action=action, by=request.user, today=timezone.localdate())
    except services.CreditError as error:
        messages.error(request, str(error))
    else:
        done = _("Order %(number)s released.") if action == "release" else _("Order %(number)s rejected.")
        messages.success(request, done % {"number": number})
    return redirect("credit_holds")


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """The credit policy, edited by credit managers; every save is a new version (history below)."""
    _require(request, "credit.view_credit_queues")
    current = selectors.policy_current()
    form = CreditPolicyForm(request.POST or None, instance=current)
    if request.method == "POST":
        _require(request, "credit.edit_policy")
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "note"}
            services.credit_policy_update(values=values, note=form.cleaned_data["note"], by=request.user)
            messages.success(request, _("New credit policy version in force."))
            return redirect("credit_policy")
    history = list(selectors.policy_history()[:20])
    return render(
        request,
        "credit/policy.html",
        {"form": form, "history": history, "may_edit": request.user.has_perm("credit.edit_policy")},
    )


@login_required
def dashboard(request):
    """Tier × grade counts and amounts, limits expiring within the policy's window, customers flagged for
    phase-out."""
    _require(request, "credit.view_credit_queues")
    today, window_days = timezone.localdate(), selectors.policy_current().dashboard_limit_days
    live = CreditProfile.objects.filter(customer__deleted_at__isnull=True)
    cells = {
        (r["tier"], r["payment_grade"]): r
        for r in live.values("tier", "payment_grade").annotate(
            count=Count("pk"), purchases=Sum("trailing_12m_purchases"), exposure=Sum("exposure")
        )
    }
    grades = list(PaymentGrade.values)
    matrix = [(tier, label, [cells.get((tier, g)) for g in grades]) for tier, label in Tier.choices]
    expiring = (
        live.filter(limit_valid_until__gte=today, limit_valid_until__lte=today + timedelta(days=window_days))
        .select_related("customer")
        .order_by("limit_valid_until")[:50]
    )
    phase_out = live.filter(payment_grade=PaymentGrade.DING).select_related("customer").order_by("-exposure")[:50]
    context = {
        "window_days": window_days,
        "matrix": matrix,
        "grades": PaymentGrade.choices,
        "expiring": expiring,
        "phase_out": phase_out,
        "pending": CreditLimitRequest.objects.filter(status="pending").count(),
        "held": Order.objects.filter(status=Order.Status.CREDIT_HOLD).count(),
    }
    return render(request, "credit/dashboard.html", context)
