"""Shared pieces: number sequences and the access log (DOMAIN §1)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """A named counter for server-generated numbers (customer codes, later archive numbers)."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"


class AccessLog(models.Model):
    """Who read which dossier in full, when, through which channel and why (DOMAIN §1, §9)."""

    class Action(models.TextChoices):
        DOSSIER_READ = "dossier_read", _("Full dossier read")
        DOCUMENT_DOWNLOAD = "document_download", _("Document download")
        ORIGINAL_LENT = "original_lent", _("Original lent")
        ORIGINAL_RETURNED = "original_returned", _("Original returned")
        ACCESS_DENIED = "access_denied", _("Access refused")

    class Channel(models.TextChoices):
        WEB = "web", _("Browser")
        API = "api", _("API")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    # None for a refused attempt at a page that is no dossier (the approvals, the access log itself)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="access_logs",
        verbose_name=_("customer"),
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices, default=Action.DOSSIER_READ)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    object_ref = models.CharField(_("object"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["customer", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.customer_id}"


class Reminder(models.Model):
    """A reminder in a user's inbox (DOMAIN §7). One per kind, recipient and cause: the constraint makes
    every scheduled job idempotent, however often it runs."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", _("Review due")
        REVIEW_OVERDUE = "review_overdue", _("Review overdue")
        CREDIT_REPORT_EXPIRING = "credit_report_expiring", _("Credit report expiring")
        LIMIT_EXPIRING = "limit_expiring", _("Credit limit expiring")
        LIMIT_EXPIRED = "limit_expired", _("Credit limit expired")
        REORDER = "reorder", _("Reorder due")
        BIRTHDAY = "birthday", _("Contact's birthday")
        BORROWING_OVERDUE = "borrowing_overdue", _("Borrowing overdue")
        STALE_DOSSIER = "stale_dossier", _("Stale dossier")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DISMISSED = "dismissed", _("Dismissed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
        verbose_name=_("customer"),
    )
    due_on = models.DateField(_("due on"))
    cause_key = models.CharField(_("cause"), max_length=160)
    message = models.CharField(_("message"), max_length=300)  # in the server's language, for mail and the admin
    # the message's template (a msgid) and its values, so each reader sees it in their own language
    message_words = models.JSONField(_("message in words"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient", "cause_key"], name="reminder_once_per_cause")
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "due_on"], name="reminder_inbox"),
            models.Index(fields=["emailed_at"], name="reminder_unsent", condition=models.Q(emailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.due_on})"

    def text(self) -> str:
        """The message in the reader's language (the active translation), from its template and values."""
        words = self.message_words or {}
        if words.get("template"):
            return gettext(words["template"]) % words.get("params", {})
        return self.message
