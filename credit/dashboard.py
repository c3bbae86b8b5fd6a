"""The credit panels of the start page (issue 14): a rep's held orders, the analyst's work, the credit manager's
queues and portfolio. Each count links to the list that shows the same rows."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from credit import selectors
from credit.models import PaymentGrade, Tier
from crm.dashboards import Panel, Tile, Windows, list_url
from customers import selectors as customer_selectors


def customers_url(**query) -> str:
    return list_url("customer_list", **query)


def rep_holds_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """A rep's own customers' orders waiting on a credit decision (DOMAIN §6.4)."""
    tiles = (
        Tile("holds-mine", _("My orders on credit hold"), selectors.held_orders(user=user).count(),
             reverse("credit_holds"), _("None of your orders waits on credit.")),
    )  # fmt: skip
    return Panel("rep-holds", _("Orders"), tiles)


def analyst_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Assessments due, credit reports running out, limits to renew (DOMAIN §5–§7)."""

    def due(kind: str) -> int:
        return customer_selectors.due_count(user=user, due=kind, today=today, windows=windows)

    days = windows.expiry_days
    tiles = (
        Tile("assessments-due", _("Assessments due"),
             selectors.assessments_due_count(user=user, today=today, windows=windows), customers_url(due="assessment"),
             _("Every medium and large customer has a valid assessment."),
             _("Medium and large customers without a valid assessment")),
        Tile("reports-expiring",
             ngettext("Credit reports expiring within %(days)s day",
                      "Credit reports expiring within %(days)s days", days) % {"days": days},
             due("credit_report"), customers_url(due="credit_report"), _("No credit report runs out soon.")),
        Tile("limit-requests-to-prepare", _("Limit requests to prepare"), due("limit_renewal"),
             customers_url(due="limit_renewal"), _("Every limit that ends soon already has a new request."),
             ngettext("Limits ending within %(days)s day, no new request yet",
                      "Limits ending within %(days)s days, no new request yet", days) % {"days": days}),
    )  # fmt: skip
    return Panel("analyst", _("Credit analysis"), tiles)


def manager_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Approvals, holds, limits expiring and the tier × grade portfolio (DOMAIN §3, §4, §6)."""
    days = windows.expiry_days
    tiles = (
        Tile("approvals", _("Limit approvals"), selectors.pending_limit_requests().count(),
             reverse("credit_approvals"), _("No limit request waits for a decision.")),
        Tile("holds", _("Orders on credit hold"), selectors.held_orders(user=user).count(), reverse("credit_holds"),
             _("No order is on credit hold.")),
        Tile("limits-expiring",
             ngettext("Limits expiring within %(days)s day", "Limits expiring within %(days)s days", days)
             % {"days": days},
             customer_selectors.due_count(user=user, due="limit", today=today, windows=windows),
             customers_url(due="limit"), _("No limit expires soon.")),
    )  # fmt: skip
    cells = selectors.tier_grade_counts()
    grades = PaymentGrade.choices
    rows = [
        (
            label,
            [(cells.get((tier, grade), 0), customers_url(tier=tier, payment_grade=grade)) for grade, _label in grades],
        )
        for tier, label in Tier.choices
    ]
    return Panel(
        "credit-manager", _("Credit decisions"), tiles, template="credit/_dashboard_manager.html", rows=rows,
        extra={"grades": grades},
    )  # fmt: skip
