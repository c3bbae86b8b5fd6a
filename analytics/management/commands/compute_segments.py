"""Run the nightly segmentation now (DOMAIN §10.5): RFM scores, segments and k-means clusters of every customer."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from analytics.services import segmentation_compute


class Command(BaseCommand):
    help = "Compute the RFM segments and k-means clusters of every customer now, replacing the last run."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to compute for (ISO)")

    def handle(self, *args, **options):
        run = segmentation_compute(today=options["today"] or timezone.localdate())
        self.stdout.write(
            f"Segmented {run.customers} customers into {run.clusters} clusters as of {run.computed_on}"
            f" in {run.seconds:.1f} s."
        )
