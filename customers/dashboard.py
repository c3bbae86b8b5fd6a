"""The dossier panels of the start page (issue 14): the rep's own customers, the sales manager's team, customer
service's waiting complaints. Each count links to the customer list (or the inbox) filtered to the same rows."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm import selectors as crm_selectors
from crm.dashboards import Panel, Tile, Windows, list_url
from crm.models import Reminder
from customers import selectors


def customers_url(**query) -> str:
    """The customer list filtered by ``query`` (the list's own parameters)."""
    return list_url("customer_list", **query)


def rep_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """My customers, the incomplete and stale ones, reviews due soon, reorders due (DOMAIN §2, §7, §8)."""
    counts = selectors.rep_counts(user=user, today=today, windows=windows)
    me = user.get_username()
    review_label = ngettext(
        "Reviews due within %(days)s day", "Reviews due within %(days)s days", windows.review_days
    ) % {"days": windows.review_days}
    tiles = (
        Tile("my-customers", _("My customers"), counts.mine, customers_url(owner=me),
             _("You own no customers yet.")),
        Tile("incomplete", _("Incomplete dossiers"), counts.incomplete,
             customers_url(owner=me, completeness="lt100", ordering="completeness"),
             _("All your dossiers are complete.")),
        Tile("stale", _("Stale dossiers"), counts.stale, customers_url(owner=me, stale="1"),
             _("None of your dossiers is stale.")),
        Tile("review-due", review_label, counts.review_due, customers_url(owner=me, due="review", ordering="review"),
             _("No review is coming up.")),
        Tile("reorders", _("Reorders due"), crm_selectors.open_reminder_count(user=user, kind=Reminder.Kind.REORDER),
             list_url("reminders", kind=Reminder.Kind.REORDER), _("No customer is late to reorder.")),
    )  # fmt: skip
    return Panel(
        "rep",
        _("My customers"),
        tiles,
        template="customers/_dashboard_rep.html",
        extra={
            "incomplete": selectors.least_complete(user=user),
            "review_due": selectors.reviews_due(user=user, today=today, windows=windows),
            "recent": selectors.recent_interactions(user=user),
            "review_days": windows.review_days,
        },
    )


def team_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """The sales manager's team: dossiers, stale and incomplete ones per owner, and their overdue reminders."""
    overdue = crm_selectors.team_overdue_reminders(today=today)
    rows = [
        {"owner": row, "reminders_overdue": overdue.get(row.owner_id, 0)} for row in selectors.team_counts(user=user)
    ]
    tiles = (
        Tile("team-reminders-overdue", _("Team reminders overdue"), sum(overdue.values()),
             list_url("reminders", team="1", overdue="1"), _("Nobody on the team is behind on reminders.")),
    )  # fmt: skip
    return Panel("team", _("My team"), tiles, template="customers/_dashboard_team.html", rows=rows)


def complaints_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Customers waiting on a complaint, and the complaints that waited longest (DOMAIN §10.6)."""
    waiting = selectors.complaints_waiting(user=user, today=today)
    note = ""
    if waiting:
        note = ngettext(
            "The oldest has waited %(days)s day.", "The oldest has waited %(days)s days.", waiting[0].days
        ) % {"days": waiting[0].days}
    tiles = (
        Tile("complaints-open", _("Customers waiting on a complaint"), selectors.complaint_counts(user=user),
             customers_url(due="complaint"), _("Every complaint has had a service record."), note),
    )  # fmt: skip
    return Panel(
        "complaints", _("Open complaints"), tiles, template="customers/_dashboard_complaints.html", rows=waiting
    )
