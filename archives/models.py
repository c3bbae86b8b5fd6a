"""The archive of original documents (DOMAIN §9): register, borrowing, document history and handovers."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.rules.custody import BorrowingStatus, Custody
from crm.constraints import ConstraintWords
from crm.storage import archive_storage
from customers.models import InformationSource

# The register entry as an archivist keeps it (forms, API and services share this list).
REGISTER_FIELDS = (
    *("doc_type", "title", "source", "issued_on", "expires_on"),
    *("room", "cabinet", "shelf", "view_only", "notes"),
)


def _archive_storage():
    """Copies live in their own storage, never under a public URL (settings STORAGES["archives"])."""
    return archive_storage


class ArchiveDocument(ConstraintWords, models.Model):
    """One original in the register 档案登记 with its electronic copy (DOMAIN §9 dual track)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "archive_expires_after_issue": ("expires_on", _("The expiry date cannot be before the issue date.")),
        "archive_view_only_never_lent": (
            "view_only",
            _("An original out on loan cannot be made view-only; record its return first."),
        ),
    }

    class Type(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        TAX_REGISTRATION = "tax_registration", _("Tax registration")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        CREDIT_REPORT = "credit_report", _("Credit report")
        BANK_CREDIT_CERTIFICATE = "bank_credit_certificate", _("Bank credit certificate")
        CONTRACT = "contract", _("Contract")
        INVOICE = "invoice", _("Invoice")
        VISIT_REPORT = "visit_report", _("Visit report")
        OTHER = "other", _("Other")

    class CustodyChoice(models.TextChoices):
        IN_PLACE = Custody.IN_PLACE, _("In place")
        LENT = Custody.LENT, _("Lent")
        MISSING = Custody.MISSING, _("Missing")

    number = models.CharField(_("archive number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="archive_documents", verbose_name=_("customer")
    )
    doc_type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("information source"), max_length=30, choices=InformationSource.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=40)
    cabinet = models.CharField(_("cabinet"), max_length=40)
    shelf = models.CharField(_("shelf"), max_length=40, blank=True)
    # DOMAIN §9: originals may be viewed but never lent; the archivist may release a particular one for loan.
    view_only = models.BooleanField(
        _("view only"), default=True, help_text=_("The original may be viewed in the archive but never lent.")
    )
    custody = models.CharField(_("custody"), max_length=10, choices=CustodyChoice.choices, default=Custody.IN_PLACE)
    notes = models.TextField(_("notes"), blank=True)
    scan = models.FileField(_("electronic copy"), upload_to="scans/%Y/%m/", storage=_archive_storage, blank=True)
    scan_name = models.CharField(_("scan file name"), max_length=200, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size"), null=True, blank=True)
    scan_content_type = models.CharField(_("scan type"), max_length=40, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive register")
        ordering = ["doc_type", "number"]
        indexes = [
            models.Index(fields=["customer", "doc_type", "number"], name="archive_catalogue"),
            models.Index(fields=["-registered_at", "-id"], name="archive_register_recent"),
            # the archivist's dashboard and the register's "expiring soon" (issue 14)
            models.Index(fields=["expires_on"], name="archive_expires_on", condition=Q(expires_on__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="archive_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(view_only=True, custody=Custody.LENT), name="archive_view_only_never_lent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def location(self) -> str:
        return " / ".join(part for part in (self.room, self.cabinet, self.shelf) if part)


class Borrowing(ConstraintWords, models.Model):
    """A borrowing of an original 客户资料借阅表: request → approved or refused → lent → returned (DOMAIN §9)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "borrowing_one_open_per_document": (
            None,
            _("This original already has an open borrowing; wait until it is returned or closed."),
        ),
        "borrowing_not_decided_by_borrower": (
            None,
            _("You cannot decide on, hand over or take back your own borrowing."),
        ),
    }

    class Status(models.TextChoices):
        REQUESTED = BorrowingStatus.REQUESTED, _("Requested")
        APPROVED = BorrowingStatus.APPROVED, _("Approved")
        REFUSED = BorrowingStatus.REFUSED, _("Refused")
        LENT = BorrowingStatus.LENT, _("Lent")
        RETURNED = BorrowingStatus.RETURNED, _("Returned")
        LOST = BorrowingStatus.LOST, _("Lost on loan")
        CANCELLED = BorrowingStatus.CANCELLED, _("Cancelled")

    document = models.ForeignKey(
        ArchiveDocument, on_delete=models.PROTECT, related_name="borrowings", verbose_name=_("document")
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="borrowings", verbose_name=_("borrower")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    lent_at = models.DateTimeField(_("lent at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("borrowing")
        verbose_name_plural = _("borrowings")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="borrowing_queue"),
            models.Index(fields=["borrower", "-requested_at"], name="borrowing_borrower"),
        ]
        constraints = [
            # One original, one open borrowing at a time: a second request waits until the first is closed.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status__in=[BorrowingStatus.REQUESTED, BorrowingStatus.APPROVED, BorrowingStatus.LENT]),
                name="borrowing_one_open_per_document",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("borrower")),
                name="borrowing_not_decided_by_borrower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} → {self.borrower_id} ({self.status})"


class DocumentEvent(models.Model):
    """One step in the life of an original: registered, edited, scan uploaded, each borrowing step (DOMAIN §9)."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        EDITED = "edited", _("Edited")
        SCAN_UPLOADED = "scan_uploaded", _("Scan uploaded")
        BORROW_REQUESTED = "borrow_requested", _("Borrowing requested")
        BORROW_APPROVED = "borrow_approved", _("Borrowing approved")
        BORROW_REFUSED = "borrow_refused", _("Borrowing refused")
        BORROW_CANCELLED = "borrow_cancelled", _("Borrowing cancelled")
        LENT = "lent", _("Original lent")
        RETURNED = "returned", _("Original returned")
        MARKED_MISSING = "marked_missing", _("Marked missing")
        LOST = "lost", _("Lost on loan")
        FOUND = "found", _("Found again")

    document = models.ForeignKey(
        ArchiveDocument, on_delete=models.CASCADE, related_name="events", db_index=False, verbose_name=_("document")
    )
    borrowing = models.ForeignKey(
        Borrowing, on_delete=models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("borrowing")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document history")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["document", "-at"], name="document_event_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.document_id} {self.action}"

    @property
    def note_text(self) -> str:
        """The note in words: an edit names the fields changed (stored as field names), in the reader's language."""
        if self.action != self.Action.EDITED:
            return self.note
        return ", ".join(_register_field_label(name) for name in self.note.split(", "))


def _register_field_label(name: str) -> str:
    try:
        return str(ArchiveDocument._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an entry written before the names were stored: its words as they were
        return name


class Handover(ConstraintWords, models.Model):
    """A handover 移交: customers of one rep moved to another owner in one recorded step (DOMAIN §9)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "handover_to_another_owner": ("to_owner", _("The new owner must be someone else than the rep handing over.")),
    }

    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=300)
    customer_count = models.PositiveIntegerField(_("customers"), default=0)
    customers = models.ManyToManyField("customers.Customer", related_name="handovers", verbose_name=_("customers"))

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_owner=models.F("to_owner")), name="handover_to_another_owner")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.from_owner_id} → {self.to_owner_id} ({self.customer_count})"
