"""Trade records and credit decisions (DOMAIN §3–§6)."""

from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from credit.rules.limits import Reason
from credit.rules.policy import CreditPolicy
from crm.constraints import ConstraintWords
from crm.money import money_text
from customers.classifications import UNCLASSIFIED, CorePinState, ProcessClass, TimeClass, VolumeClass

MONEY = {"max_digits": 16, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Tier(models.TextChoices):
    A = "A", _("A (key)")
    B = "B", _("B (important)")
    C = "C", _("C (ordinary)")
    D = "D", _("D (potential)")


class PaymentGrade(models.TextChoices):
    JIA = "jia", _("甲 (pays on time)")
    YI = "yi", _("乙 (mostly on time)")
    BING = "bing", _("丙 (often late)")
    DING = "ding", _("丁 (seriously late)")  # beyond the policy's days late: no number in a label
    UNRATED = "unrated", _("Unrated")


class RiskClass(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")
    UNASSESSED = "unassessed", _("Unassessed")


class CreditPolicyVersion(ConstraintWords, models.Model):
    """One version of the credit policy; the newest is in force, the older ones are its history (DOMAIN)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "policy_a_above_b": ("tier_a_threshold", _("Tier A must be above tier B.")),
        "policy_b_positive": ("tier_b_threshold", _("Tier B must be above zero.")),
        "policy_risk_classes_ordered": (
            "risk_low_from",
            _("The risk scores must fall: low risk from above moderate risk from, above high risk from."),
        ),
        "policy_5c_cut_offs_ordered": (
            "capital_debt_ratio_10",
            _(
                "The 5C cut-offs must be in order: debt ratios for Capital 10 < 8 < 5 < 2, the current ratio kept "
                "above the one a point off, net margin for Capacity 9 above the one for 7, which is not negative."
            ),
        ),
        "policy_classification_windows_ordered": (
            "past_customer_days",
            _("The past-customer window must be at least the current-customer window, which is at least one day."),
        ),
    }

    tier_a_threshold = models.DecimalField(_("tier A threshold"), **MONEY, default=Decimal(300_000))
    tier_b_threshold = models.DecimalField(_("tier B threshold"), **MONEY, default=Decimal(200_000))
    max_days_late = models.PositiveSmallIntegerField(_("days late before 丁"), default=90)
    yi_on_time_ratio = models.DecimalField(
        _("on-time ratio for 乙"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
        validators=[MaxValueValidator(1)],
    )
    yi_limit_factor = models.DecimalField(
        _("乙 share of the recommended limit"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.8"),
        validators=[MaxValueValidator(1)],
    )
    small_customer_ceiling = models.DecimalField(_("small-customer ceiling"), **MONEY, default=Decimal(50_000))
    capacity_share_of_net_worth = models.DecimalField(
        _("capacity cap, share of net worth"), max_digits=4, decimal_places=3, default=Decimal("0.1")
    )
    factor_low = models.DecimalField(_("factor, low risk"), max_digits=4, decimal_places=2, default=Decimal("1.5"))
    factor_moderate = models.DecimalField(
        _("factor, moderate risk"), max_digits=4, decimal_places=2, default=Decimal("1.2")
    )
    factor_high = models.DecimalField(_("factor, high risk"), max_digits=4, decimal_places=2, default=Decimal("0.6"))
    factor_very_high = models.DecimalField(
        _("factor, very high risk"), max_digits=4, decimal_places=2, default=Decimal(0)
    )
    assessment_valid_days = models.PositiveSmallIntegerField(_("assessment valid (days)"), default=365)
    limit_valid_days = models.PositiveSmallIntegerField(_("limit valid (days)"), default=365)
    credit_report_valid_months = models.PositiveSmallIntegerField(
        _("credit report valid (months)"), default=6, validators=[MinValueValidator(3), MaxValueValidator(12)]
    )
    review_days_core = models.PositiveSmallIntegerField(_("review interval, core customers (days)"), default=60)
    review_days_other = models.PositiveSmallIntegerField(_("review interval, other customers (days)"), default=180)
    core_relationship_years = models.PositiveSmallIntegerField(
        _("core with tier B purchases after (years of relationship)"), default=3
    )
    new_customer_days = models.PositiveSmallIntegerField(
        _("new customer: first order within (days)"), default=365, validators=[MinValueValidator(1)]
    )
    current_customer_days = models.PositiveSmallIntegerField(
        _("current customer: an order or opportunity within (days)"), default=90, validators=[MinValueValidator(1)]
    )
    past_customer_days = models.PositiveSmallIntegerField(
        _("past customer: no order within (days)"), default=365, validators=[MinValueValidator(1)]
    )
    risk_low_from = models.DecimalField(_("low risk from score"), max_digits=5, decimal_places=2, default=Decimal(80))
    risk_moderate_from = models.DecimalField(
        _("moderate risk from score"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    risk_high_from = models.DecimalField(_("high risk from score"), max_digits=5, decimal_places=2, default=Decimal(40))
    limit_rounding = models.DecimalField(
        _("limits rounded down to"), **MONEY, default=Decimal(1000), validators=[MinValueValidator(1)]
    )
    limit_warning_days = models.PositiveSmallIntegerField(_("stale when the limit expires within (days)"), default=30)
    review_reminder_days = models.PositiveSmallIntegerField(_("review reminders ahead (days)"), default=14)
    limit_reminder_days = models.PositiveSmallIntegerField(_("limit expiry reminders ahead (days)"), default=30)
    credit_report_reminder_days = models.PositiveSmallIntegerField(
        _("credit report expiry reminders ahead (days)"), default=30
    )
    birthday_reminder_days = models.PositiveSmallIntegerField(
        _("birthday reminders ahead (days)"), default=7, validators=[MaxValueValidator(60)]
    )
    dashboard_review_days = models.PositiveSmallIntegerField(_("dashboard: reviews due within (days)"), default=14)
    dashboard_limit_days = models.PositiveSmallIntegerField(_("dashboard: limits expiring within (days)"), default=30)
    reorder_grace_min_days = models.PositiveSmallIntegerField(_("reorder grace, at least (days)"), default=7)
    reorder_grace_share = models.DecimalField(
        _("reorder grace, share of the cycle"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MaxValueValidator(1)],
    )
    capital_debt_ratio_10 = models.DecimalField(
        _("5C Capital 10 up to debt ratio"), max_digits=4, decimal_places=3, default=Decimal("0.3")
    )
    capital_debt_ratio_8 = models.DecimalField(
        _("5C Capital 8 up to debt ratio"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    capital_debt_ratio_5 = models.DecimalField(
        _("5C Capital 5 up to debt ratio"), max_digits=4, decimal_places=3, default=Decimal("0.7")
    )
    capital_debt_ratio_2 = models.DecimalField(
        _("5C Capital 2 up to debt ratio"), max_digits=4, decimal_places=3, default=Decimal("0.9")
    )
    capital_current_ratio_strong = models.DecimalField(
        _("5C Capital kept from current ratio"), max_digits=5, decimal_places=2, default=Decimal(2)
    )
    capital_current_ratio_weak = models.DecimalField(
        _("5C Capital 1 point off from current ratio (3 below)"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    capacity_margin_9 = models.DecimalField(
        _("5C Capacity 9 from net margin"), max_digits=4, decimal_places=3, default=Decimal("0.1")
    )
    capacity_margin_7 = models.DecimalField(
        _("5C Capacity 7 from net margin"), max_digits=4, decimal_places=3, default=Decimal("0.05")
    )
    character_litigation_penalty = models.PositiveSmallIntegerField(
        _("5C Character points off per litigation record"), default=3, validators=[MaxValueValidator(10)]
    )
    note = models.CharField(_("why it changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("in force since"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("credit policy version")
        verbose_name_plural = _("credit policy versions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(tier_a_threshold__gt=F("tier_b_threshold")), name="policy_a_above_b"),
            models.CheckConstraint(condition=Q(tier_b_threshold__gt=0), name="policy_b_positive"),
            models.CheckConstraint(
                condition=Q(risk_low_from__gt=F("risk_moderate_from"), risk_moderate_from__gt=F("risk_high_from")),
                name="policy_risk_classes_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    capital_debt_ratio_10__lt=F("capital_debt_ratio_8"),
                    capital_debt_ratio_8__lt=F("capital_debt_ratio_5"),
                    capital_debt_ratio_5__lt=F("capital_debt_ratio_2"),
                    capital_current_ratio_strong__gt=F("capital_current_ratio_weak"),
                    capacity_margin_9__gt=F("capacity_margin_7"),
                    capacity_margin_7__gte=0,
                ),
                name="policy_5c_cut_offs_ordered",
            ),
            models.CheckConstraint(
                condition=Q(past_customer_days__gte=F("current_customer_days"), current_customer_days__gte=1),
                name="policy_classification_windows_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk} ({self.created_at:%Y-%m-%d})"

    def as_rule(self) -> CreditPolicy:
        """The pure policy value the rules take."""
        names = CreditPolicy.__dataclass_fields__.keys() & {f.name for f in self._meta.concrete_fields}
        return CreditPolicy(**{name: getattr(self, name) for name in names})


POLICY_FIELDS = (
    "tier_a_threshold",
    "tier_b_threshold",
    "max_days_late",
    "yi_on_time_ratio",
    "yi_limit_factor",
    "small_customer_ceiling",
    "capacity_share_of_net_worth",
    "factor_low",
    "factor_moderate",
    "factor_high",
    "factor_very_high",
    "assessment_valid_days",
    "limit_valid_days",
    "credit_report_valid_months",
    "review_days_core",
    "review_days_other",
    "core_relationship_years",
    "new_customer_days",
    "current_customer_days",
    "past_customer_days",
    "risk_low_from",
    "risk_moderate_from",
    "risk_high_from",
    "limit_rounding",
    "limit_warning_days",
    "review_reminder_days",
    "limit_reminder_days",
    "credit_report_reminder_days",
    "birthday_reminder_days",
    "dashboard_review_days",
    "dashboard_limit_days",
    "reorder_grace_min_days",
    "reorder_grace_share",
    "capital_debt_ratio_10",
    "capital_debt_ratio_8",
    "capital_debt_ratio_5",
    "capital_debt_ratio_2",
    "capital_current_ratio_strong",
    "capital_current_ratio_weak",
    "capacity_margin_9",
    "capacity_margin_7",
    "character_litigation_penalty",
)
"""The numbers a credit manager edits on the policy page and a draft changes in the preview (DOMAIN §11)."""


SHIPPED_SCORING_WORDS = (  # the names and labels migration 0002 ships (DOMAIN §5.2), for the catalogue
    gettext_noop("Feature analysis (three groups)"),
    gettext_noop("Products and markets"),
    gettext_noop("Impression"),
    gettext_noop("Operating conditions"),
    gettext_noop("Organisation and management"),
    gettext_noop("Market competitiveness"),
    gettext_noop("Development prospects"),
    gettext_noop("Transaction profit rate"),
    gettext_noop("Guarantee conditions"),
    gettext_noop("Substitutability"),
    gettext_noop("Product requirements"),
    gettext_noop("Influence on market attractiveness"),
    gettext_noop("Influence on market competition"),
    gettext_noop("Payment record"),
    gettext_noop("Profitability"),
    gettext_noop("Total capital"),
    gettext_noop("Bank credit"),
    gettext_noop("Balance sheet evaluation"),
    gettext_noop("Solvency"),
    gettext_noop("Valve company case (eight aspects)"),
    gettext_noop("Project reliability"),
    gettext_noop("Project funding"),
    gettext_noop("Project lead"),
    gettext_noop("Bad credit records"),
    gettext_noop("Our ability to satisfy"),
    gettext_noop("Production cycle vs delivery date"),
    gettext_noop("Contract price and profit"),
    gettext_noop("Future stability"),
)
INDICATOR_GROUP_LABELS = {  # the indicator groups of the shipped models, stored as codes
    "customer_characteristics": _("Customer characteristics"),
    "customer_priority": _("Customer priority"),
    "credit_and_financial": _("Credit and financial"),
    "valve_case": _("Valve company case"),
}


class ScoringModel(ConstraintWords, models.Model):
    """A feature-analysis model 特征分析: indicator groups with weights 1–10, versioned (DOMAIN §5.2)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "one_default_model": ("is_default", _("Only one scoring model can be the default.")),
    }

    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_default = models.BooleanField(_("default model"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="scoring_model_version_unique"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_model"),
        ]

    def __str__(self) -> str:
        return f"{self.name_text} v{self.version}"

    @property
    def name_text(self) -> str:
        """The name in the reader's language: a model the product ships is in the catalogue
        (``SHIPPED_SCORING_WORDS``); a name a credit manager typed stays as typed."""
        return gettext(self.name)


class Indicator(ConstraintWords, models.Model):
    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "indicator_weight_1_10": ("weight", _("The weight must be between 1 and 10.")),
    }
    model = models.ForeignKey(
        ScoringModel, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scoring model")
    )
    key = models.SlugField(_("key"), max_length=60)
    group = models.CharField(_("group"), max_length=60)
    label = models.CharField(_("label"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(10)], default=5
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["model", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="indicator_key_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="indicator_weight_1_10"),
        ]

    def __str__(self) -> str:
        return f"{self.label_text} ({self.weight})"

    @property
    def label_text(self) -> str:
        """The label in the reader's language (shipped labels are in the catalogue; typed ones stay as typed)."""
        return gettext(self.label)

    @property
    def group_text(self) -> str:
        return str(INDICATOR_GROUP_LABELS.get(self.group, self.group))


class Assessment(ConstraintWords, models.Model):
    """A submitted credit assessment: immutable, with the model version it was scored with (DOMAIN §5)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "assessment_pct_0_100": ("percentage", _("The credit level must be between 0 and 100%.")),
    }

    class Method(models.TextChoices):
        FIVE_C = "5c", _("5C method")
        FEATURE = "feature", _("Feature analysis")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("customer")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    scoring_model = models.ForeignKey(
        ScoringModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("scoring model")
    )
    model_version = models.PositiveSmallIntegerField(_("model version"), null=True, blank=True)
    ratings = models.JSONField(_("ratings"))
    weights = models.JSONField(_("weights"))
    suggested = models.JSONField(_("suggested ratings"), default=dict, blank=True)
    notes = models.TextField(_("notes and evidence"), blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2)
    percentage = models.DecimalField(_("credit level (%)"), max_digits=5, decimal_places=2)
    risk_class = models.CharField(_("risk class"), max_length=12, choices=RiskClass.choices)
    assessed_on = models.DateField(_("assessed on"))
    valid_until = models.DateField(_("valid until"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["customer", "-assessed_on"], name="assessment_customer_date")]
        constraints = [
            models.CheckConstraint(condition=Q(percentage__gte=0, percentage__lte=100), name="assessment_pct_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.method} {self.percentage}%"


class Order(ConstraintWords, models.Model):
    """A customer order with lines; its state follows DOMAIN §6.4."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "order_amount_not_negative": ("amount", _("The amount cannot be negative.")),
        "order_due_after_order": ("due_date", _("The due date cannot be before the order date.")),
    }

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        CREDIT_HOLD = "credit_hold", _("On credit hold")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    external_id = models.CharField(_("external ID"), max_length=64, unique=True, null=True, blank=True)
    order_date = models.DateField(_("order date"))
    due_date = models.DateField(_("due date"))
    prepaid = models.BooleanField(_("prepaid"), default=False)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    credit_check = models.JSONField(_("credit check"), default=dict, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # why a held order was released or rejected; a database default too, for the rows COPY writes without it
    decision_note = models.TextField(_("decision note"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        indexes = [
            models.Index(fields=["customer", "status"], name="order_customer_status"),
            models.Index(fields=["customer", "order_date"], name="order_customer_date"),
            models.Index(fields=["customer", "due_date"], name="order_customer_due"),  # receivables ageing (§10.7)
            models.Index(fields=["status", "created_at"], name="order_status_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
            models.CheckConstraint(condition=Q(due_date__gte=F("order_date")), name="order_due_after_order"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(ConstraintWords, models.Model):
    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "line_quantity_positive": ("quantity", _("The quantity must be above zero.")),
        "line_price_not_negative": ("unit_price", _("The unit price cannot be negative.")),
    }
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    product = models.CharField(_("product"), max_length=120)
    model = models.CharField(_("model / specification"), max_length=120, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Payment(ConstraintWords, models.Model):
    """Money received; allocated to the order it names, else oldest due first (DOMAIN §4)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "payment_amount_positive": ("amount", _("The amount must be above zero.")),
    }

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments", verbose_name=_("customer")
    )
    external_id = models.CharField(_("external ID"), max_length=64, unique=True, null=True, blank=True)
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("order")
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["customer", "paid_on"], name="payment_customer_date")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class CreditLimitRequest(ConstraintWords, models.Model):
    """A limit request and its four-eyes decision, with what the decision was based on (DOMAIN §6.3)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "limit_four_eyes": (None, _("The requester cannot decide their own request.")),
    }

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="limit_requests", verbose_name=_("customer")
    )
    amount = models.DecimalField(_("requested amount"), **MONEY, validators=[MinValueValidator(0)])
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    recommended_limit = models.DecimalField(_("recommended limit"), **MONEY)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("requested at"))
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    note = models.TextField(_("decision note"), blank=True)
    basis = models.JSONField(_("decision basis"), default=dict, blank=True)

    class Meta:
        verbose_name = _("credit limit request")
        verbose_name_plural = _("credit limit requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="limit_request_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(decided_by=F("requested_by")), name="limit_four_eyes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount} {self.status}"


class CreditLimit(models.Model):
    """An approved limit 信用额度, valid for a year (DOMAIN §6.3)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="credit_limits", verbose_name=_("customer")
    )
    amount = models.DecimalField(_("limit"), **MONEY, validators=[MinValueValidator(0)])
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    request = models.OneToOneField(
        CreditLimitRequest, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("limit request")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("revoked because"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["customer", "-valid_until"], name="limit_customer_until")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.amount} until {self.valid_until}"


class GradeOverride(models.Model):
    """A credit manager's grade override with a reason and an expiry; audited (DOMAIN §4)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="grade_overrides", verbose_name=_("customer")
    )
    grade = models.CharField(_("grade"), max_length=10, choices=PaymentGrade.choices)
    reason = models.TextField(_("reason"))
    valid_until = models.DateField(_("valid until"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("grade override")
        verbose_name_plural = _("grade overrides")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.grade} until {self.valid_until}"


class CreditProfile(models.Model):
    """The customer's current credit picture, kept up to date; its row is locked for order checks."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="credit_profile",
        verbose_name=_("customer"),
    )
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default=Tier.D)
    trailing_12m_purchases = models.DecimalField(_("trailing 12-month purchases"), **MONEY, default=Decimal(0))
    is_core = models.BooleanField(_("core customer"), default=False)
    computed_core = models.BooleanField(_("core by the rule"), default=False)
    core_pinned = models.BooleanField(_("core pinned by a credit manager"), default=False)
    time_class = models.CharField(
        _("class by time"), max_length=10, choices=TimeClass.choices, default=UNCLASSIFIED["time_class"]
    )
    process_class = models.CharField(
        _("class by transaction process"),
        max_length=10,
        choices=ProcessClass.choices,
        default=UNCLASSIFIED["process_class"],
    )
    volume_class = models.CharField(
        _("class by volume"), max_length=10, choices=VolumeClass.choices, default=UNCLASSIFIED["volume_class"]
    )
    computed_grade = models.CharField(
        max_length=10, choices=PaymentGrade.choices, default=PaymentGrade.UNRATED, verbose_name=_("computed grade")
    )
    payment_grade = models.CharField(
        _("payment grade"), max_length=10, choices=PaymentGrade.choices, default=PaymentGrade.UNRATED
    )
    on_time_ratio = models.DecimalField(_("on-time ratio"), max_digits=7, decimal_places=4, null=True, blank=True)
    max_days_late = models.PositiveIntegerField(_("most days late"), default=0)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    risk_class = models.CharField(
        _("risk class"), max_length=12, choices=RiskClass.choices, default=RiskClass.UNASSESSED
    )
    recommended_limit = models.DecimalField(_("recommended limit"), **MONEY, default=Decimal(0))
    investigation_required = models.BooleanField(_("investigation required"), default=False)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, null=True, blank=True)
    limit_valid_until = models.DateField(_("limit valid until"), null=True, blank=True)
    exposure = models.DecimalField(_("exposure"), **MONEY, default=Decimal(0))
    available_credit = models.DecimalField(_("available credit"), **MONEY, default=Decimal(0))
    sales_policy = models.CharField(_("sales policy"), max_length=30, blank=True)
    recovery_flagged = models.BooleanField(_("arrears flagged for recovery"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_on = models.DateField(_("computed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")
        indexes = [
            # the credit manager's tier × grade matrix sums from the index alone (issue 14), and any other lookup by
            # tier and grade
            models.Index(
                fields=["tier", "payment_grade"],
                include=["customer", "trailing_12m_purchases", "exposure"],
                name="profile_tier_grade_sums",
            ),
            # the analyst's "assessments due" (issue 14)
            models.Index(fields=["customer"], condition=Q(investigation_required=True), name="profile_investigation"),
            models.Index(fields=["risk_class"], name="profile_risk"),
            models.Index(fields=["limit_valid_until"], name="profile_limit_until"),
            models.Index(fields=["time_class", "process_class"], name="profile_classes"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.tier}/{self.payment_grade}"


class CorePin(ConstraintWords, models.Model):
    """A credit manager pins a customer core or ordinary, or hands it back to the rule, with a reason (DOMAIN
    §2.1). The latest row is in force; the rows are the pin's history (who, when, what, why)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "core_pin_reason_given": ("reason", _("Give a reason for the pin.")),
    }

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="core_pins", verbose_name=_("customer")
    )
    state = models.CharField(_("core pin"), max_length=10, choices=CorePinState.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("core pin")
        verbose_name_plural = _("core pins")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="core_pin_customer_at")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="core_pin_reason_given")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.state}"


class CreditHistory(models.Model):
    """Tier and grade as they changed over time (DOMAIN §3–§4; the credit panel's history)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="credit_history", verbose_name=_("customer")
    )
    on = models.DateField(_("date"))
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    payment_grade = models.CharField(_("payment grade"), max_length=10, choices=PaymentGrade.choices)

    class Meta:
        verbose_name = _("tier and grade history entry")
        verbose_name_plural = _("tier and grade history")
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "on"], name="credit_history_daily")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.on} {self.tier}/{self.payment_grade}"


SALES_POLICY_LABELS = {
    "credit_extended": _("甲: credit sales; an A-tier customer may get extended terms and a temporary over-limit"),
    "credit_within_limit": _("乙: ship first, collect later, within the limit"),
    "prepayment": _("丙: payment before shipment, no new credit"),
    "prepayment_phase_out": _("丁: payment before shipment strictly; flagged for phase-out"),
    "not_rated": _("Not rated yet: credit only within an approved limit"),
}
REASON_LABELS = {  # credit.rules.limits.Reason: why the engine recommends a limit or holds an order, in words
    Reason.RISK_LOW: _("low risk: factor %(factor_low)s"),
    Reason.RISK_MODERATE: _("moderate risk: factor %(factor_moderate)s"),
    Reason.RISK_HIGH: _("high risk: factor %(factor_high)s"),
    Reason.RISK_VERY_HIGH: _("very high risk: factor %(factor_very_high)s"),
    Reason.UNASSESSED_SMALL_CUSTOMER_CEILING: _("small customer without assessment: up to the small-customer ceiling"),
    Reason.INVESTIGATION_REQUIRED: _("medium or large customer without a valid assessment: investigation required"),
    Reason.CAPPED_BY_NET_WORTH: _("capped at %(capacity_share)s of net worth"),
    Reason.NO_VALID_CREDIT_REPORT: _("no valid credit report: at most the small-customer ceiling"),
    Reason.GRADE_YI: _("grade 乙: %(yi_share)s of the recommendation"),
    Reason.GRADE_BING: _("grade 丙: no new credit"),
    Reason.GRADE_DING: _("grade 丁: no new credit"),
    Reason.GRADE_OVERRIDDEN: _("grade overridden by a credit manager"),
    Reason.DEFAULT_LIST_LIMIT_WITHDRAWN: _("small customer on a default list: limit withdrawn, arrears to recover"),
    Reason.NO_VALID_LIMIT: _("no valid credit limit"),
    Reason.OVER_LIMIT: _("exposure plus this order exceeds the limit"),
    Reason.GRADE_REQUIRES_PREPAYMENT: _("grade 丙/丁 requires prepayment"),
    Reason.HISTORICAL_IMPORT: _("historical import"),
}


NOTE_CAUSE_LABELS = {  # credit.rules.decisions.NoteCause: why an approval needs a written reason (DOMAIN §11)
    "above_recommendation": _("the amount is above the engine's recommendation"),
    "grade_bing": _("the customer's payment grade is 丙"),
    "grade_ding": _("the customer's payment grade is 丁"),
    "default_list": _("the customer is on a default list (more than the policy's days late, or litigation)"),
}
LIMIT_STANDING_TEXTS = {  # credit.rules.decisions.LimitState, in words on the credit tab (DOMAIN §11)
    "none": _("No limit approved: orders on credit are held for a credit manager."),
    "usable": _("Approved %(amount)s, valid until %(until)s: orders within the available credit pass."),
    "prepayment": _(
        "Approved %(amount)s, but grade %(grade)s requires payment before shipment: orders on credit are held."
    ),
    "withdrawn": _(
        "Approved %(amount)s, but withdrawn: a small customer on a default list gets no credit, arrears to recover."
    ),
    "expired": _("Approved %(amount)s, but it expired on %(until)s: a new approval is needed."),
}


def money_words(value: Decimal) -> str:
    """An amount in a sentence: thousands separators, cents only when there are any (120,000; 99.50)."""
    return money_text(value, cents=False)


def limit_standing_text(standing) -> str:
    """Whether the approved limit can carry an order, in words (DOMAIN §11: one answer, not two numbers), from
    ``credit.rules.decisions.LimitStanding``: the credit tab and the credit file say the same."""
    values = {
        "amount": money_words(standing.approved) if standing.approved is not None else "",
        "until": standing.valid_until.isoformat() if standing.valid_until else "",
        "grade": PaymentGrade(standing.grade.value).label,
    }
    return str(LIMIT_STANDING_TEXTS[standing.state]) % values


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def reason_texts(reasons: Sequence[str], policy: CreditPolicy) -> list[str]:
    """The profile's reasons in words, their numbers filled from the policy in force so that they stay true
    after a credit manager edits it (DOMAIN §6.1)."""
    numbers = {
        "factor_low": _number(policy.factor_low),
        "factor_moderate": _number(policy.factor_moderate),
        "factor_high": _number(policy.factor_high),
        "factor_very_high": _number(policy.factor_very_high),
        "capacity_share": _percent(policy.capacity_share_of_net_worth),
        "yi_share": _percent(policy.yi_limit_factor),
    }
    return [str(REASON_LABELS[r]) % numbers if r in REASON_LABELS else r for r in reasons]


class CreditNote(ConstraintWords, models.Model):
    """A credit note 红字冲销 (or write-off) on a completed order: a credit manager's recorded decision that part of
    what the customer owes on it will not be collected (DOMAIN §6.4). It lowers the exposure as a payment would
    but is no payment: the payment grade (DOMAIN §4) does not see it. Who, when, how much and why are kept."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "credit_note_amount_positive": ("amount", _("The amount must be above zero.")),
        "credit_note_reason_given": ("reason", _("A credit note needs a reason.")),
    }

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("customer")
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("order"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="credit_note_reason_given"),
        ]

    def __str__(self) -> str:
        return f"credit note {self.amount} on order {self.order_id}"


class PolicyBacktest(ConstraintWords, models.Model):
    """A back-test a credit manager ran from the policy page (DOMAIN §11): the draft's changes against the policy
    version in force, how far it got, and its figures (``selectors.PolicyBacktest.as_json``). Nothing in the
    policy or the profiles changes; the run is kept as the record of what was compared."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "backtest_progress_lte_100": ("progress", _("Progress cannot be above 100%.")),
    }

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    policy = models.ForeignKey(
        CreditPolicyVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy in force")
    )
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True, encoder=DjangoJSONEncoder)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("policy back-test")
        verbose_name_plural = _("policy back-tests")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="backtest_progress_lte_100")]

    def __str__(self) -> str:
        return f"back-test {self.pk} ({self.status})"


class BacktestLedger(models.Model):
    """A customer's orders of a year with the ledger facts of their days (``rules.backtest.OrderLedger``), kept so
    that a back-test replays only the customers whose trade records changed since: ``fingerprint`` sums their
    billable orders, payments and credit notes as of the day it is read."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    window_days = models.PositiveSmallIntegerField(_("window (days)"))
    fingerprint = models.CharField(_("fingerprint"), max_length=300)
    computed_on = models.DateField(_("computed on"))
    orders = models.JSONField(_("orders"), default=list, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("back-test ledger")
        verbose_name_plural = _("back-test ledgers")
        constraints = [
            models.UniqueConstraint(fields=["customer", "window_days"], name="backtest_ledger_customer_window")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.window_days} days) on {self.computed_on}"
