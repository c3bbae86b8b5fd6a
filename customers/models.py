"""The customer dossier 客户档案 (DOMAIN §2)."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.choices import QuickChoiceLabels
from crm.constraints import ConstraintWords
from crm.validators import phone_number
from customers.validators import validate_uscc


class Kind(models.TextChoices):
    INTERMEDIATE = "intermediate", _("Intermediate customer (company or trader)")
    END = "end", _("End customer (individual or end user)")


class Nature(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    SPECIAL = "special", _("Special")
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")
    PARTNER = "partner", _("Partner")


class Size(models.TextChoices):
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class InformationSource(models.TextChoices):
    """Where a document or figure came from, weakest first (DOMAIN §2.2)."""

    CUSTOMER = "customer", _("Customer (self-reported)")
    SALES_OBSERVATION = "sales_observation", _("Sales observation")
    PUBLIC_MEDIA = "public_media", _("Public media")
    PARTNER = "partner", _("Business partner")
    COURT = "court", _("Court")
    TAX_AUTHORITY = "tax_authority", _("Tax authority")
    BANK = "bank", _("Bank")
    CREDIT_AGENCY = "credit_agency", _("Credit agency")


class Section(models.TextChoices):
    """The parts of a dossier whose changes are kept in the history."""

    BASIC = "basic", _("Basic data")
    CHARACTERISTICS = "characteristics", _("Characteristics")
    SALES_STATUS = "sales_status", _("Sales status")
    OPERATING_STATUS = "operating_status", _("Operating status")
    CREDIT_DATA = "credit_data", _("Credit data")
    CONTACTS = "contacts", _("Contacts")
    RECORD = "record", _("Record")


class Customer(ConstraintWords, QuickChoiceLabels, models.Model):
    """One customer = one dossier, with a unique immutable server-generated code (DOMAIN §2)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "customer_uscc_unique": (
            "unified_social_credit_code",
            _("Another customer already has this unified social credit code."),
        ),
        "customer_completeness_lte_100": ("completeness", _("Completeness cannot be above 100%.")),
    }

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    external_id = models.CharField(_("external ID"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # The name normalised for duplicate detection (DOMAIN §2.3, customers.rules.names.name_key), set by the write path
    name_key = models.CharField(_("normalised name"), max_length=200, blank=True, default="", editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERMEDIATE)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.COMPANY)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.SMALL)
    # Write-heavy table (bulk upsert): no index of its own for owner (customer_owner_name starts with it), nor for
    # created_by / deleted_by (only deleting a user looks them up; users are deactivated, not deleted).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_customers",
        verbose_name=_("owner"),
        db_index=False,
    )
    unified_social_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_number])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    expected_monthly_purchases = models.DecimalField(
        _("expected monthly purchases"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0, editable=False)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("deleted by"),
    )

    # A dossier merged into another one (DOMAIN §2.3): archived, its code answers with the survivor's
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unified_social_credit_code"],
                condition=~Q(unified_social_credit_code=""),
                name="customer_uscc_unique",
                violation_error_message=_("Another customer already has this unified social credit code."),
            ),
            models.CheckConstraint(condition=Q(completeness__lte=100), name="customer_completeness_lte_100"),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_live_name", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["owner", "name"], name="customer_owner_name"),
            models.Index(fields=["updated_at", "id"], name="customer_updated_id"),  # ties: a bulk batch shares one time
            models.Index(fields=["owner", "code"], name="customer_owner_code", condition=Q(deleted_at__isnull=True)),
            # is this dossier the owner's? From the index alone, for each row of a list read in another table's order
            # (one owner's stale dossiers by review date walks review_state_stale_due and asks this for each)
            models.Index(fields=["owner", "id"], name="customer_owner_id", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["completeness", "name"], name="customer_completeness_name"),
            # deleting a dossier (an import's undo) checks that none was merged into it: without this small partial
            # index PostgreSQL scans the whole table once per deleted dossier
            models.Index(fields=["merged_into"], name="customer_merged_into", condition=Q(merged_into__isnull=False)),
            # duplicate suggestions and the possible-duplicates page (DOMAIN §2.3); similar names: NameKey
            models.Index(
                fields=["name_key", "id"], name="customer_live_name_key", condition=Q(deleted_at__isnull=True)
            ),
            # one owner's dossiers by completeness, from the index alone: a rep's dashboard counts their incomplete
            # ones (issue 14), the sales manager's team counts per owner (joined by id to the stale review states), and
            # a rep's search with a hidden-field filter (own dossiers only) in completeness order tests the name and
            # size here and walks no further than its page, and counts without reading the table (issue 15)
            models.Index(
                fields=["owner", "completeness", "name", "id"],
                include=["size"],
                name="customer_owner_list",
                condition=Q(deleted_at__isnull=True),
            ),
            # the few archived dossiers, for counts over every live one that subtract them (credit's tier × grade)
            models.Index(fields=["id"], name="customer_archived", condition=Q(deleted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_archived(self) -> bool:
        return self.deleted_at is not None


class NameKey(models.Model):
    """A normalised name that some dossier has or had (DOMAIN §2.3): the narrow table that the similar-name search
    scans with a trigram index on PostgreSQL, instead of rechecking rows of the wide customer table. The write path
    adds each new key; a key no live dossier holds any more only finds nothing."""

    key = models.CharField(_("normalised name"), max_length=200, primary_key=True)

    class Meta:
        verbose_name = _("normalised name")
        verbose_name_plural = _("normalised names")

    def __str__(self) -> str:
        return self.key


class ReviewState(models.Model):
    """Where a dossier stands in the review cycle (DOMAIN §7): next review due and stale, set by the nightly scan.

    Kept out of the wide customer row (many columns, about ten indexes) so that a scan which changes every
    dossier rewrites narrow rows; every dossier has one, created with it.
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="review_state", verbose_name=_("customer")
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True, editable=False)
    is_stale = models.BooleanField(_("stale"), default=False, editable=False)

    class Meta:
        verbose_name = _("review state")
        verbose_name_plural = _("review states")
        indexes = [
            # the list sorted by review date, the dashboard and the review reminders
            models.Index(fields=["next_review_due", "customer"], name="review_state_due"),
            # the "stale" filter: few dossiers are stale, so a partial index stays small
            models.Index(fields=["customer"], name="review_state_stale", condition=Q(is_stale=True)),
            # the stale dossiers in the list's order by review date (``review_due``, no date last), read from the
            # index alone and stopped at the page: one owner's stale list (customer_owner_id tells whose each is)
            models.Index(
                Coalesce("next_review_due", Value(date.max)),
                F("customer"),
                include=["next_review_due"],
                name="review_state_stale_due",
                condition=Q(is_stale=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.next_review_due}"


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class _BlankIfMissing(ReverseOneToOneDescriptor):
    """``customer.basic`` gives the section row, or a blank unsaved one when the dossier has none yet: a section
    row is written the first time the section gets a value, so a thousand new records need no empty rows."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        try:
            return super().__get__(instance, cls)
        except self.RelatedObjectDoesNotExist:
            row = self.related.related_model(**{self.related.field.name: instance})
            self.related.set_cached_value(instance, row)
            return row


class SectionField(models.OneToOneField):
    """The one-to-one link of a section to its customer (primary key), read through ``_BlankIfMissing``."""

    related_accessor_class = _BlankIfMissing

    def __init__(self, to=None, **kwargs):
        kwargs.setdefault("on_delete", models.CASCADE)
        kwargs.setdefault("primary_key", True)
        super().__init__(to or "customers.Customer", **kwargs)


class SectionModel(models.Model):
    """A dossier section: one row per customer, edited on its own form, with field history."""

    customer = SectionField(Customer, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.customer_id}"


class BasicSection(SectionModel):
    """Basic data 客户基础资料 (DOMAIN §2.1); name, address, phone… live on the customer itself."""

    customer = SectionField(Customer, related_name="basic", verbose_name=_("customer"))
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True, validators=[phone_number])
    website = models.URLField(_("website"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    owner_names = models.CharField(_("owners"), max_length=200, blank=True)
    manager_names = models.CharField(_("managers"), max_length=200, blank=True)
    personality = models.TextField(_("personality"), blank=True)
    interests = models.TextField(_("interests"), blank=True)
    hobbies = models.TextField(_("hobbies"), blank=True)
    family = models.TextField(_("family"), blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True, validators=[MaxValueValidator(130)])
    ability = models.TextField(_("ability"), blank=True)
    background = models.TextField(_("background"), blank=True)
    relationship_since = models.DateField(_("relationship since"), null=True, blank=True)
    business_types = models.CharField(_("business types"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("basic data")
        verbose_name_plural = _("basic data")


class CharacteristicsSection(SectionModel):
    """Characteristics 客户特征 (DOMAIN §2.2 of the dossier)."""

    customer = SectionField(Customer, related_name="characteristics", verbose_name=_("customer"))
    market_area = models.CharField(_("market area"), max_length=200, blank=True)
    sales_capability = models.TextField(_("sales capability"), blank=True)
    development_potential = models.TextField(_("development potential"), blank=True)
    business_philosophy = models.TextField(_("business philosophy"), blank=True)
    business_direction = models.TextField(_("business direction"), blank=True)
    business_policy = models.TextField(_("business policy"), blank=True)
    business_features = models.TextField(_("business features"), blank=True)
    regional_culture = models.TextField(_("regional culture"), blank=True)
    customs = models.TextField(_("customs"), blank=True)
    is_export_oriented = models.BooleanField(_("export-oriented"), default=False)
    market_policy_news = models.TextField(_("policy news of the market region"), blank=True)

    class Meta:
        verbose_name = _("characteristics")
        verbose_name_plural = _("characteristics")


class SalesStatusSection(SectionModel):
    """Sales status 销售状况."""

    customer = SectionField(Customer, related_name="sales_status", verbose_name=_("customer"))
    sales_performance = models.TextField(_("sales performance"), blank=True)
    market_share = models.DecimalField(
        _("market share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    competitiveness = models.TextField(_("competitiveness"), blank=True)
    market_position = models.TextField(_("market position"), blank=True)
    competitor_relations = models.TextField(_("relation with competitors"), blank=True)
    competitors_nearby = models.TextField(_("competitors around them"), blank=True)
    cooperation = models.TextField(_("cooperation with us"), blank=True)

    class Meta:
        verbose_name = _("sales status")
        verbose_name_plural = _("sales status")


class OperatingStatusSection(SectionModel):
    """Operating status 营运状况; the dated financial figures are FinancialFigure rows."""

    customer = SectionField(Customer, related_name="operating_status", verbose_name=_("customer"))
    sales_activities = models.TextField(_("current sales activities"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    outlook = models.TextField(_("outlook"), blank=True)
    image = models.TextField(_("image"), blank=True)
    reputation = models.TextField(_("reputation"), blank=True)
    financial_status = models.TextField(_("financial status"), blank=True)
    credit_status = models.TextField(_("credit status"), blank=True)

    class Meta:
        verbose_name = _("operating status")
        verbose_name_plural = _("operating status")


class FinancialMetric(models.TextChoices):
    TOTAL_ASSETS = "total_assets", _("Total assets")
    TOTAL_LIABILITIES = "total_liabilities", _("Total liabilities")
    CURRENT_ASSETS = "current_assets", _("Current assets")
    CURRENT_LIABILITIES = "current_liabilities", _("Current liabilities")
    NET_WORTH = "net_worth", _("Net worth")
    ANNUAL_REVENUE = "annual_revenue", _("Annual revenue")
    NET_PROFIT = "net_profit", _("Net profit")
    REGISTERED_CAPITAL = "registered_capital", _("Registered capital")
    EMPLOYEES = "employees", _("Employees")


class FinancialFigure(models.Model):
    """One financial figure of the operating status, with the date it refers to and its source (§2, §2.2)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="financial_figures", verbose_name=_("customer")
    )
    metric = models.CharField(_("figure"), max_length=30, choices=FinancialMetric.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    as_of = models.DateField(_("as of"))
    source = models.CharField(
        _("information source"), max_length=30, choices=InformationSource.choices, default=InformationSource.CUSTOMER
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("financial figure")
        verbose_name_plural = _("financial figures")
        ordering = ["metric", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "metric", "as_of"], name="financial_figure_unique_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.value} ({self.as_of})"


class CreditDocument(ConstraintWords, models.Model):
    """A document of the credit data section 信用状况, with its information source (DOMAIN §2, §2.2)."""

    constraint_words = {  # crm.constraints: each constraint in words, next to its field
        "credit_document_valid_after_issue": ("valid_until", _("The validity cannot end before the issue date.")),
    }

    class Type(models.TextChoices):
        CREDIT_REPORT = "credit_report", _("Credit report")
        BANK_CREDIT_CERTIFICATE = "bank_credit_certificate", _("Bank credit certificate")
        LITIGATION_RECORD = "litigation_record", _("Litigation record")
        TAX_RECORD = "tax_record", _("Tax record")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="credit_documents", verbose_name=_("customer")
    )
    doc_type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("information source"), max_length=30, choices=InformationSource.choices)
    obtained_on = models.DateField(_("obtained on"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to="credit_documents/%Y/%m/", blank=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("credit document")
        verbose_name_plural = _("credit documents")
        ordering = ["-obtained_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                name="credit_document_valid_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Contact(models.Model):
    """A person at the customer (DOMAIN §2 contacts)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("full name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[phone_number])
    mobile = models.CharField(_("mobile"), max_length=40, blank=True, validators=[phone_number])
    email = models.EmailField(_("e-mail"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="contact_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class Interaction(models.Model):
    """A customer-card record 客户卡: visit report, feedback, delivery, service… (DOMAIN §2)."""

    class Kind(models.TextChoices):
        VISIT_REPORT = "visit_report", _("Visit report")
        QUALITY_FEEDBACK = "quality_feedback", _("Quality feedback")
        TECHNICAL_REQUIREMENT = "technical_requirement", _("Technical requirement")
        DELIVERY = "delivery", _("Delivery")
        SERVICE = "service", _("Service record")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        PROMOTION_RESPONSE = "promotion_response", _("Promotion response")

    class Response(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer")
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    # a promotion response (DOMAIN §10.6): which promotion, how the customer answered, what it cost; empty otherwise
    promotion = models.CharField(_("promotion"), max_length=200, blank=True)
    response = models.CharField(_("response"), max_length=10, choices=Response.choices, blank=True)
    cost = models.DecimalField(
        _("cost spent"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_on"], name="interaction_customer_date"),
            models.Index(fields=["kind", "occurred_on"], name="interaction_kind_date"),  # the behaviour analysis
            # the rep's dashboard: the newest records first, stopping at ten of my customers' (issue 14)
            models.Index(fields=["-occurred_on", "-id"], name="interaction_recent"),
            # the open complaints (DOMAIN §10.6, issue 14): complaints oldest first, each looked up among the
            # customer's service records, both read from the index alone
            models.Index(
                fields=["occurred_on", "id"],
                include=["customer"],
                condition=Q(kind="complaint"),
                name="interaction_complaint_day",
            ),
            models.Index(
                fields=["customer", "occurred_on"], condition=Q(kind="service"), name="interaction_service_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}: {self.subject}"


class ChangeRecord(models.Model):
    """One field change of a dossier: who, when, section, field, old → new (DOMAIN §2)."""

    # The (customer, -at) index serves the customer's lookups; no separate FK indexes on this append-only table.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="changes", db_index=False, verbose_name=_("customer")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
        verbose_name=_("by"),
    )
    section = models.CharField(_("section"), max_length=30, choices=Section.choices)
    field = models.CharField(_("field"), max_length=100)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="change_customer_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.section}.{self.field}"


class Review(models.Model):
    """A comprehensive review 全面修订核查: who confirmed which sections, when, with notes (DOMAIN §7)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("customer"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    sections = models.JSONField(_("sections confirmed"), default=list)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.reviewed_on}"

    @property
    def section_labels(self) -> list[str]:
        return [str(Section(s).label) for s in self.sections if s in Section.values]
