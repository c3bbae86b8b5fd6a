"""Tables the analysis keeps for itself (DOMAIN §10): aggregates refreshed nightly, read instead of the orders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class MonthlyAmount(models.Model):
    """An amount of one order month (its first day), owner and region; a row with neither owner nor region (both
    null) is the sum over every owner and region, so that the whole portfolio's figures read a few rows."""

    month = models.DateField(_("month"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
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
