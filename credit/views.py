"""Browser pages for credit staff (DOMAIN §3–§6): credit panel, assessments, queues, policy, dashboard."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from credit import selectors, services
from credit.backtest_view import backtest_view
from credit.credit_file import credit_file_response
from credit.forms import (
    AssessmentForm,
    CorePinForm,
    CreditPolicyForm,
    GradeOverrideForm,
    LimitDecisionForm,
    LimitRequestForm,
    OrderDecisionForm,
)
from credit.models import (
    NOTE_CAUSE_LABELS,
    SALES_POLICY_LABELS,
    CreditLimitRequest,
    CreditPolicyVersion,
    CreditProfile,
    Order,
    PaymentGrade,
    PolicyBacktest,
    RiskClass,
    ScoringModel,
    Tier,
    limit_standing_text,
    money_words,
    reason_texts,
)
from credit.rules.scoring import RatingError
from credit.services import backtests
from credit.tasks import backtest_now_or_later
from crm.http import http_errors
from crm.models import AccessLog
from customers import selectors as customer_selectors
from customers.models import Customer, InformationSource


def _customer(request, code: str, perm: str = "customers.view_dossier") -> Customer:
    with http_errors():
        return customer_selectors.dossier_for(user=request.user, code=code, perm=perm)


def _credit_read(request, code: str, part=customer_selectors.DossierPart.CREDIT) -> customer_selectors.Dossier:
    """The dossier's credit part as the user may see it (refused when only the masked dossier is theirs), logged
    like every full read (DOMAIN §1)."""
    with http_errors():
        return customer_selectors.dossier_read(
            user=request.user, code=code, channel=AccessLog.Channel.WEB, today=timezone.localdate(), part=part
        )


def _credit_url(customer: Customer) -> str:
    return reverse("customer_credit", args=[customer.code])


def _panel_context(request, customer: Customer) -> dict:
    profile = selectors.credit_profile_read(customer=customer, today=timezone.localdate())
    may = {
        name: request.user.has_perm(f"credit.{name}", customer)
        for name in ("assess", "request_limit", "override_grade", "decide_limit", "decide_held_order", "pin_core")
    }
    today = timezone.localdate()
    source = selectors.weakest_source_behind(customer=customer, today=today)
    return {
        "customer": customer,
        "profile": profile,
        "standing": limit_standing_text(selectors.limit_standing_read(customer=customer, profile=profile, today=today)),
        "weakest_source": InformationSource(source).label if source else None,
        "sales_policy": SALES_POLICY_LABELS.get(profile.sales_policy, profile.sales_policy),
        "reasons": reason_texts(profile.reasons, selectors.policy_current().as_rule()),
        "history": list(selectors.credit_history(customer=customer)[:12]),
        "core_pins": list(selectors.core_pins(customer=customer)[:5]),
        "pin_form": CorePinForm(prefix="pin") if may["pin_core"] else None,
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
    customer = _credit_read(request, code).customer
    template = "credit/panel.html" if request.headers.get("HX-Request") else "credit/customer_credit.html"
    return render(request, template, _panel_context(request, customer))


@login_required
def credit_file(request, code: str):
    """The credit file 客户资信档案 as a PDF in the reader's language (DOMAIN §11); read like the dossier, logged."""
    dossier = _credit_read(request, code, customer_selectors.DossierPart.CREDIT_FILE)
    return credit_file_response(dossier, language=translation.get_language(), today=timezone.localdate())


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
        {
            "customer": customer,
            "form": form,
            "profile": profile,
            "reasons": reason_texts(profile.reasons, selectors.policy_current().as_rule()),
            "heading": _("Request a credit limit"),
        },
    )


def _manager_decision(request, customer: Customer, form, decide, *, done: str, heading: str):
    """A credit manager's decision on one form (core pin, grade override): the service on a valid POST, then back
    to the credit tab; else the form with its errors."""
    if request.method == "POST" and form.is_valid():
        decide(customer=customer, by=request.user, today=timezone.localdate(), **form.cleaned_data)
        messages.success(request, done)
        return redirect(_credit_url(customer))
    return render(request, "credit/simple_form.html", {"customer": customer, "form": form, "heading": heading})


@login_required
@require_http_methods(["GET", "POST"])
def core_pin(request, code: str):
    """A credit manager pins the customer core or ordinary, or back to automatic, with a reason (DOMAIN §2.1)."""
    customer = _customer(request, code, "credit.pin_core")
    form = CorePinForm(request.POST or None, prefix="pin")
    return _manager_decision(
        request, customer, form, services.core_pin_set, done=_("Core pin saved."), heading=_("Pin core or ordinary")
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_override(request, code: str):
    customer = _customer(request, code, "credit.override_grade")
    form = GradeOverrideForm(request.POST or None)
    return _manager_decision(
        request,
        customer,
        form,
        services.grade_override_set,
        done=_("Grade overridden."),
        heading=_("Override the payment grade"),
    )


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@login_required
def approvals(request):
    """Pending limit requests, oldest first (DOMAIN §6.3)."""
    _require(request, "credit.view_credit_queues")
    page = Paginator(selectors.pending_limit_requests(), 50).get_page(request.GET.get("page"))
    return render(request, "credit/approvals.html", {"page": page, "form": LimitDecisionForm()})


@login_required
@require_http_methods(["GET", "POST"])
def limit_review(request, pk: int):
    """One limit request before the decision (DOMAIN §6.3, §11): the recommendation and its reasons, the weakest
    source behind it, whether a written reason will be needed and why; approve or reject with a note."""
    limit_request = get_object_or_404(
        CreditLimitRequest.objects.select_related("customer", "requested_by"), pk=pk, status="pending"
    )
    if not request.user.has_perm("credit.decide_limit", limit_request.customer):
        raise PermissionDenied
    if request.method == "POST":
        return _decide(request, limit_request, request.POST.get("decision", ""))
    return _review_page(request, limit_request, LimitDecisionForm())


@login_required
@require_POST
def limit_decide(request, pk: int, decision: str):
    limit_request = get_object_or_404(CreditLimitRequest.objects.select_related("customer"), pk=pk)
    if not request.user.has_perm("credit.decide_limit", limit_request.customer):
        raise PermissionDenied
    return _decide(request, limit_request, decision)


def _review_page(request, limit_request: CreditLimitRequest, form, status: int = 200):
    today = timezone.localdate()
    profile = selectors.credit_profile_read(customer=limit_request.customer, today=today)
    causes = selectors.approval_note_causes(profile=profile, amount=limit_request.amount)
    source = selectors.weakest_source_behind(customer=limit_request.customer, today=today)
    context = {
        "limit_request": limit_request,
        "customer": limit_request.customer,
        "profile": profile,
        "reasons": reason_texts(profile.reasons, selectors.policy_current().as_rule()),
        "causes": [NOTE_CAUSE_LABELS[cause] for cause in causes],
        "weakest_source": InformationSource(source).label if source else None,
        "own_request": limit_request.requested_by_id == request.user.pk,
        "form": form,
    }
    return render(request, "credit/limit_review.html", context, status=status)


def _decide(request, limit_request: CreditLimitRequest, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    form = LimitDecisionForm(request.POST)
    if not form.is_valid():
        return _review_page(request, limit_request, form, status=400)
    today, data = timezone.localdate(), form.cleaned_data
    try:
        if decision == "approve":
            limit = services.credit_limit_approve(request=limit_request, by=request.user, today=today, **data)
        else:
            services.credit_limit_reject(request=limit_request, by=request.user, today=today, note=data["note"])
    except services.NoteRequired as error:
        form.add_error("note", str(error))
        return _review_page(request, limit_request, form, status=400)
    except services.CreditError as error:
        messages.error(request, str(error))
        return redirect("credit_approvals")
    customer = limit_request.customer
    if decision == "approve":
        text = _("Limit of %(amount)s approved for %(name)s, valid until %(until)s.")
        values = {"amount": money_words(limit.amount), "name": customer.name, "until": limit.valid_until.isoformat()}
    else:
        text = _("Limit request of %(amount)s for %(name)s rejected.")
        values = {"amount": money_words(limit_request.amount), "name": customer.name}
    messages.success(request, text % values)
    return redirect("credit_approvals")


@login_required
def holds(request):
    """Orders on credit hold, oldest first (DOMAIN §6.4); a sales rep sees their own customers' held orders."""
    if not (request.user.has_perm("credit.view_credit_queues") or request.user.has_perm("customers.own_customers")):
        raise PermissionDenied
    page = Paginator(selectors.held_orders(user=request.user), 50).get_page(request.GET.get("page"))
    policy = selectors.policy_current().as_rule()
    for order in page:
        order.reason_words = reason_texts(order.credit_check.get("reasons", []), policy)
    return render(request, "credit/holds.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def order_decide(request, number: str, action: str):
    """Confirm the release or rejection of a held order (DOMAIN §6.4), with a note; a rejection needs one."""
    if action not in ("release", "reject"):
        raise Http404
    order = get_object_or_404(Order.objects.select_related("customer", "created_by"), number=number)
    if not request.user.has_perm("credit.decide_held_order", order.customer):
        raise PermissionDenied
    form = OrderDecisionForm(request.POST if request.method == "POST" else None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_transition(
                order=order, action=action, by=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except services.NoteRequired as error:
            form.add_error("note", str(error))
        except services.CreditError as error:
            messages.error(request, str(error))
            return redirect("credit_holds")
        else:
            done = _("Order %(number)s released.") if action == "release" else _("Order %(number)s rejected.")
            messages.success(request, done % {"number": number})
            return redirect("credit_holds")
    context = {"order": order, "action": action, "form": form}
    return render(request, "credit/order_decide.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """The credit policy, edited by credit managers; every save is a new version (history below)."""
    _require(request, "credit.view_credit_queues")
    current = selectors.policy_current()
    form = CreditPolicyForm(request.POST or None, instance=current)
    previewed = backtest = None
    if request.method == "POST" and "preview" in request.POST:
        _require(request, "credit.preview_policy")
        form.fields["note"].required = False  # a preview saves nothing
        if form.is_valid():
            changes = _policy_changes(form.cleaned_data)
            previewed = _policy_preview(changes)
            started = backtests.policy_backtest_start(changes=changes, by=request.user, today=timezone.localdate())
            backtest = backtest_now_or_later(started)
    elif request.method == "POST":
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
        {
            "form": form,
            "history": history,
            "may_edit": request.user.has_perm("credit.edit_policy"),
            "may_preview": request.user.has_perm("credit.preview_policy"),
            "preview": previewed,
            "backtest": backtest and backtest_view(backtest),
        },
    )


def _policy_changes(cleaned: dict) -> dict:
    """The policy fields the draft changes (field → the draft's value)."""
    current = selectors.policy_current()  # read again: validating the form wrote the draft onto its instance
    return {name: value for name, value in cleaned.items() if name != "note" and getattr(current, name) != value}


@login_required
def policy_backtest(request, pk: int):
    """A back-test's progress while a worker runs it, then its figures (the policy page polls this)."""
    _require(request, "credit.preview_policy")
    run = get_object_or_404(PolicyBacktest, pk=pk)
    return render(request, "credit/_backtest.html", {"backtest": backtest_view(run)})


def _policy_preview(changes: dict) -> dict:
    """The preview of the fields the draft changes, with the classes' words for the page (DOMAIN §11)."""
    found = selectors.policy_preview(changes=changes, today=timezone.localdate()).as_json()
    labels = {
        "tier": dict(Tier.choices),
        "payment_grade": dict(PaymentGrade.choices),
        "risk_class": dict(RiskClass.choices),
    }
    titles = {"tier": _("Tier"), "payment_grade": _("Payment grade"), "risk_class": _("Risk class")}
    found["moves"] = [
        (titles[kind], [(labels[kind].get(m["from"], m["from"]), labels[kind].get(m["to"], m["to"]), m["customers"],
                         m["from"] != m["to"]) for m in moves])
        for kind, moves in found["changes"].items()
    ]  # fmt: skip
    found["changed_fields"] = [str(CreditPolicyVersion._meta.get_field(name).verbose_name) for name in changes]
    return found


@login_required
def dashboard(request):
    """Tier × grade counts and amounts, limits expiring within the policy's window, customers flagged for
    phase-out."""
    _require(request, "credit.view_credit_queues")
    today, window_days = timezone.localdate(), selectors.policy_current().dashboard_limit_days
    live = CreditProfile.objects.filter(customer__deleted_at__isnull=True)
    cells = selectors.tier_grade_cells()
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
        "pending": selectors.pending_limit_requests().count(),
        "held": selectors.held_orders(user=request.user).count(),
    }
    return render(request, "credit/dashboard.html", context)
