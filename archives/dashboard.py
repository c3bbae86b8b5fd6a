"""The archive panels of the start page (issue 14): the archivist's desk and the sales manager's handovers. Each
count links to the list that shows the same rows."""

from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archives import selectors
from archives.models import ArchiveDocument, Borrowing
from crm.dashboards import Panel, Tile, Windows, list_url

RECENT_HANDOVER_DAYS = 30


def archivist_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Borrowings to decide, loans overdue, originals expiring (DOMAIN §9)."""
    days = windows.expiry_days
    requested = selectors.open_borrowings(user=user, stage=Borrowing.Status.REQUESTED).count()
    overdue = selectors.open_borrowings(user=user, overdue_on=today).count()
    expiring = ArchiveDocument.objects.filter(selectors.expiring_documents(today=today, days=days)).count()
    tiles = (
        Tile("borrowings-to-approve", _("Borrowings to approve"), requested,
             list_url("archive_borrowings", stage=Borrowing.Status.REQUESTED), _("No request waits for you.")),
        Tile("borrowings-overdue", _("Loans overdue"), overdue, list_url("archive_borrowings", overdue="1"),
             _("Every original on loan is within its return date.")),
        Tile("documents-expiring",
             ngettext("Originals expiring within %(days)s day", "Originals expiring within %(days)s days", days)
             % {"days": days},
             expiring, list_url("archive_register", status=selectors.EXPIRING), _("No original runs out soon.")),
    )  # fmt: skip
    return Panel("archivist", _("Archive"), tiles)


def handovers_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Handovers of the last weeks (DOMAIN §9)."""
    since = today - timedelta(days=RECENT_HANDOVER_DAYS)
    tiles = (
        Tile("handovers",
             ngettext("Handovers in the last %(days)s day", "Handovers in the last %(days)s days",
                      RECENT_HANDOVER_DAYS) % {"days": RECENT_HANDOVER_DAYS},
             selectors.handover_list(since=since).count(), list_url("archive_handovers", since=since.isoformat()),
             _("No customers changed hands lately.")),
    )  # fmt: skip
    return Panel("handovers", _("Handovers"), tiles)
