"""Tables the analysis keeps for itself (DOMAIN §10): aggregates refreshed nightly, read instead of the orders, and
what the nightly segmentation keeps (§10.5): one row per customer, the clusters, and the runs."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.rules.rfm import Segment

MONEY = {"max_digits": 18, "decimal_places": 2}


class MonthlyAmount(models.Model):
    """An amount of one order month (its first day), owner and region; a row with neither owner nor region (both
    null) is the sum over every owner and region, so that the whole portfolio's figures read a few rows."""

    month = models.DateField(_("month"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("owner")
    )
    region = models.CharField(_("region"), max_length=100, null=True)  # noqa: DJ001 (null: every region)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        abstract = True


class MonthlySales(MonthlyAmount):
    """Sales (open and completed orders, DOMAIN §10.3) per order month, owner, region and tier of the live
    customers, and per month and tier over them all, as counted on the day of ``SalesAggregateStamp.through``:
    what a reader of every dossier sums for the trend instead of the orders. Rebuilt whole by
    ``analytics.services.monthly_sales_refresh``."""

    tier = models.CharField(_("tier"), max_length=1)

    class Meta:
        verbose_name = _("monthly sales")
        verbose_name_plural = _("monthly sales")
        indexes = [models.Index(fields=["month", "tier"], name="monthly_sales_month_tier")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.tier} {self.region} {self.amount}"


class MonthlyProductSales(MonthlyAmount):
    """Line amounts of the same orders per order month, owner and product (region null), and per month and product
    over them all (the trend by product; a region's products are summed from the orders)."""

    product = models.CharField(_("product"), max_length=120)

    class Meta:
        verbose_name = _("monthly product sales")
        verbose_name_plural = _("monthly product sales")
        indexes = [models.Index(fields=["month", "product"], name="monthly_product_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.product} {self.amount}"


class SalesAggregateStamp(models.Model):
    """When the monthly aggregates were rebuilt and the last order day they count (one row)."""

    through = models.DateField(_("orders counted through"))
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("sales aggregate stamp")
        verbose_name_plural = _("sales aggregate stamps")

    def __str__(self) -> str:
        return f"{self.through}"


class ProductFirstSale(models.Model):
    """The day a product was first sold (an open or completed order of any customer, DOMAIN §10.6), as counted on
    the day of ``SalesAggregateStamp.through``: which products are new in the last 365 days is read from these few
    rows instead of every order line up to the window. Rebuilt with the monthly sums by
    ``analytics.services.monthly_sales_refresh``."""

    product = models.CharField(_("product"), max_length=120, primary_key=True)
    first_sold_on = models.DateField(_("first sold on"))

    class Meta:
        verbose_name = _("first sale of a product")
        verbose_name_plural = _("first sales of products")

    def __str__(self) -> str:
        return f"{self.product} {self.first_sold_on}"


class CorrelationSnapshot(models.Model):
    """The correlation of every live customer's variables as of ``through`` (DOMAIN §10.4), computed nightly:
    what a reader of every dossier sees without filters, instead of a minute of subqueries at 1M customers."""

    through = models.DateField(_("as of"))
    customers = models.PositiveIntegerField(_("customers"))
    matrices = models.JSONField(_("coefficients"))  # {"variables", "pearson", "spearman", "n"}
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("correlation snapshot")
        verbose_name_plural = _("correlation snapshots")

    def __str__(self) -> str:
        return f"{self.through}"


class OwnerCorrelationSnapshot(models.Model):
    """The correlation of one owner's live customers as of ``through`` (DOMAIN §10.4), computed nightly with the
    portfolio's from the same rows: what a sales rep sees over own customers, and a reader of every dossier over one
    owner's, without reading each of those customers' orders, profile and figures per request."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("owner")
    )
    through = models.DateField(_("as of"))
    customers = models.PositiveIntegerField(_("customers"))
    matrices = models.JSONField(_("coefficients"))  # as CorrelationSnapshot.matrices

    class Meta:
        verbose_name = _("correlation snapshot of an owner")
        verbose_name_plural = _("correlation snapshots of owners")

    def __str__(self) -> str:
        return f"{self.owner_id} {self.through}"


class ReportSnapshot(models.Model):
    """A report's figures over every live customer as of ``through`` (the day before the nightly run), computed
    nightly by ``analytics.services.report_snapshots_refresh``: what a reader of every dossier sees when asking for
    no particular day, instead of reading a million customers' rows per request. ``report`` names the report and
    its variant ("composition:tier", "pareto", "ageing:owner"); ``rows`` holds what the report's query returned,
    before labels, which are put on at read in the reader's language."""

    report = models.CharField(_("report"), max_length=40, unique=True)
    through = models.DateField(_("as of"))
    rows = models.JSONField(_("rows"), encoder=DjangoJSONEncoder)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        return f"{self.report} {self.through}"


class SegmentChoice(models.TextChoices):
    """The RFM segments of ``analytics.rules.rfm`` with their translated names, in the page's order."""

    CHAMPIONS = Segment.CHAMPIONS.value, _("Champions")
    LOYAL = Segment.LOYAL.value, _("Loyal")
    NEW = Segment.NEW.value, _("New")
    NEEDS_ATTENTION = Segment.NEEDS_ATTENTION.value, _("Needs attention")
    AT_RISK = Segment.AT_RISK.value, _("At risk")
    HIBERNATING = Segment.HIBERNATING.value, _("Hibernating")
    LOST = Segment.LOST.value, _("Lost")


class SegmentationRun(models.Model):
    """One nightly computation: the day it is as of, how many customers it scored and the k it chose."""

    computed_on = models.DateField(_("computed on"), unique=True)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    clusters = models.PositiveSmallIntegerField(_("clusters"), default=0)
    silhouette = models.FloatField(_("silhouette"), null=True, blank=True)
    segments = models.JSONField(_("customers per segment"), default=dict)  # over all customers scored
    seconds = models.FloatField(_("seconds"), default=0)
    finished_at = models.DateTimeField(_("finished at"), auto_now=True)

    class Meta:
        verbose_name = _("segmentation run")
        verbose_name_plural = _("segmentation runs")
        ordering = ["-computed_on"]

    def __str__(self) -> str:
        return f"{self.computed_on}: {self.customers}"


class CustomerSegment(models.Model):
    """A customer's RFM values, scores, segment and k-means cluster as of ``computed_on`` (the latest run)."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rfm",
        db_constraint=False,
        verbose_name=_("customer"),
    )
    computed_on = models.DateField(_("computed on"))
    recency_days = models.PositiveIntegerField(_("days since the last order"))
    frequency = models.PositiveIntegerField(_("orders in 365 days"))
    monetary = models.DecimalField(_("purchases, trailing 12 months"), max_digits=14, decimal_places=2)
    on_time_ratio = models.DecimalField(_("on-time ratio"), max_digits=7, decimal_places=4, null=True, blank=True)
    r = models.PositiveSmallIntegerField(_("recency score (R)"))
    f = models.PositiveSmallIntegerField(_("frequency score (F)"))
    m = models.PositiveSmallIntegerField(_("monetary score (M)"))
    segment = models.CharField(_("segment"), max_length=20, choices=SegmentChoice.choices)
    cluster = models.PositiveSmallIntegerField(_("cluster"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")
        indexes = [
            models.Index(fields=["segment", "customer"], name="rfm_segment"),
            models.Index(fields=["cluster", "customer"], name="rfm_cluster"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment}"


class SegmentStage(models.Model):
    """The nightly segmentation's working rows (DOMAIN §10.5): a customer's RFM values and on-time ratio as of
    ``computed_on``, staged a range of ids at a time by the workers and read by the run's end. No page reads it; it
    keeps the last run's rows until the next run replaces them. Unlogged on PostgreSQL (it is rebuilt every night)."""

    customer_id = models.BigIntegerField(_("customer"), primary_key=True)
    computed_on = models.DateField(_("computed on"))
    recency_days = models.IntegerField(_("days since the last order"))
    frequency = models.IntegerField(_("orders in 365 days"))
    monetary = models.DecimalField(_("purchases, trailing 12 months"), max_digits=14, decimal_places=2)
    on_time = models.DecimalField(_("on-time ratio"), max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("segmentation stage row")
        verbose_name_plural = _("segmentation stage rows")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.computed_on}"


class SegmentCluster(models.Model):
    """A k-means cluster of the latest run: its size and centroid in the original units (members' means)."""

    number = models.PositiveSmallIntegerField(_("cluster"), primary_key=True)
    computed_on = models.DateField(_("computed on"))
    size = models.PositiveIntegerField(_("customers"))
    recency_days = models.FloatField(_("days since the last order"))
    frequency = models.FloatField(_("orders in 365 days"))
    monetary = models.DecimalField(_("purchases, trailing 12 months"), max_digits=14, decimal_places=2)
    on_time_ratio = models.FloatField(_("on-time ratio"))
    traits = models.CharField(_("traits"), max_length=100)  # codes of analytics.rules.clusters.TRAITS, comma-joined

    class Meta:
        verbose_name = _("segment cluster")
        verbose_name_plural = _("segment clusters")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}: {self.traits}"
