"""Reads of the kernel's own data: the reminder inbox (DOMAIN §7), one user's or, for a sales manager, the team's."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from crm import roles
from crm.models import Reminder

TEAM_ROLES = (roles.SALES, roles.SALES_MANAGER)


def team_members() -> QuerySet:
    """The sales team: whoever holds a sales role (their reminders are the team's)."""
    return get_user_model().objects.filter(groups__name__in=TEAM_ROLES).values("pk")


def may_read_team_reminders(user: AbstractBaseUser) -> bool:
    return user.is_superuser or roles.has_role(user, roles.SALES_MANAGER)


@dataclass(frozen=True, slots=True)
class ReminderFilters:
    status: str = Reminder.Status.OPEN
    kind: str = ""
    overdue_on: date | None = None  # due before this day (and still open)
    team: bool = False  # a sales manager's view of the team's reminders
    recipient: str = ""  # a username, within the team


def reminder_list(*, user: AbstractBaseUser, filters: ReminderFilters) -> QuerySet[Reminder]:
    """The user's inbox, or the team's when asked by a sales manager, filtered by status, kind and lateness."""
    if filters.team and may_read_team_reminders(user):
        reminders = Reminder.objects.filter(recipient__in=team_members())
        if filters.recipient:
            reminders = reminders.filter(recipient__username=filters.recipient)
    else:
        reminders = Reminder.objects.filter(recipient=user)
    if filters.status in Reminder.Status.values:
        reminders = reminders.filter(status=filters.status)
    if filters.kind in Reminder.Kind.values:
        reminders = reminders.filter(kind=filters.kind)
    if filters.overdue_on is not None:
        reminders = reminders.filter(status=Reminder.Status.OPEN, due_on__lt=filters.overdue_on)
    return reminders.select_related("customer", "recipient").order_by("due_on", "id")


def open_reminder_count(*, user: AbstractBaseUser, kind: str) -> int:
    """The user's open reminders of one kind (the inbox index: recipient, status, due day)."""
    return Reminder.objects.filter(recipient=user, status=Reminder.Status.OPEN, kind=kind).count()


def team_overdue_reminders(*, today: date) -> dict[int, int]:
    """Open reminders of the sales team due before ``today``, per recipient id: one grouped query."""
    overdue = Reminder.objects.filter(recipient__in=team_members(), status=Reminder.Status.OPEN, due_on__lt=today)
    return dict(overdue.values_list("recipient_id").annotate(n=Count("pk")).order_by())
