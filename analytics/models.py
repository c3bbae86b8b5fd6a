"""What the nightly segmentation keeps (DOMAIN §10.5): one row per customer, the clusters, and the runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from analytics.rules.rfm import Segment


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
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="rfm", db_constraint=False
    )
    computed_on = models.DateField(_("computed on"))
    recency_days = models.PositiveIntegerField(_("days since the last order"))
    frequency = models.PositiveIntegerField(_("orders in 365 days"))
    monetary = models.DecimalField(_("purchases, trailing 12 months"), max_digits=14, decimal_places=2)
    on_time_ratio = models.DecimalField(_("on-time ratio"), max_digits=7, decimal_places=4, null=True, blank=True)
    r = models.PositiveSmallIntegerField("R")
    f = models.PositiveSmallIntegerField("F")
    m = models.PositiveSmallIntegerField("M")
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
