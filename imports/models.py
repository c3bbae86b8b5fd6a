"""Imports of spreadsheets (DOMAIN §2.3): one recorded batch per uploaded file, one row per data row."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.constraints import ConstraintWords


class Target(models.TextChoices):
    """What the rows of a file are."""

    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    ORDERS = "orders", _("Orders")
    PAYMENTS = "payments", _("Payments")


class ImportBatch(ConstraintWords, models.Model):
    """One uploaded file: who, when, what, its hash, the mapping used, and what became of its rows."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "import_progress_lte_100": ("progress", _("Progress cannot be above 100%.")),
    }

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    headers = models.JSONField(_("column headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict, help_text=_("Column header → field"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0, editable=False)  # checked, then written
    done_through = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("done through row")
    )  # the last row number checked/written
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    create_duplicates = models.BooleanField(_("create suspected duplicates"), default=False)
    failure = models.TextField(_("failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_batch_by_created")]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="import_progress_lte_100")]

    def __str__(self) -> str:
        return f"{self.pk} {self.file_name}"


class ImportRow(models.Model):
    """One data row of the file as read, what the check planned for it, and what the import did: enough to take
    it back (the dossier written, its version after the import, and the values it replaced)."""

    class Plan(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Unchanged")
        INVALID = "invalid", _("Invalid")
        DUPLICATE = "duplicate", _("Suspected duplicate")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not written")
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        UNCHANGED = "unchanged", _("Unchanged")
        REFUSED = "refused", _("Refused")
        SKIPPED = "skipped", _("Skipped")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_set", verbose_name=_("import"))
    number = models.PositiveIntegerField(_("row"))  # as a spreadsheet numbers it: the header is row 1
    cells = models.JSONField(_("cells"), default=list)
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    duplicate = models.JSONField(_("resembles"), default=dict, blank=True)  # {"code", "reason", "score"}
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    object_id = models.PositiveBigIntegerField(_("written object"), null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("version after"))
    before = models.JSONField(_("values before"), null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_number_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"


class SavedMapping(models.Model):
    """A column mapping saved under the name of its source (a rep's list, the ERP export), reused next time."""

    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    name = models.CharField(_("source"), max_length=100)
    mapping = models.JSONField(_("mapping"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("saved by")
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved mapping")
        verbose_name_plural = _("saved mappings")
        ordering = ["target", "name"]
        constraints = [models.UniqueConstraint(fields=["target", "name"], name="saved_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.target}: {self.name}"
