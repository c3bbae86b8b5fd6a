"""Recompute every live customer's credit profile (tier, grade, risk, limits, exposure) in this process; the nightly
task spreads the same chunks over the workers instead."""

import time
from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from credit.services import RECOMPUTE_CHUNK, credit_recompute_all


class Command(BaseCommand):
    help = "Recompute the credit profile of every live customer, in chunks (DOMAIN §3–§6)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to compute for (ISO)")
        parser.add_argument("--chunk", type=int, default=RECOMPUTE_CHUNK, help="customers per transaction")

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = credit_recompute_all(today=options["today"] or timezone.localdate(), chunk=options["chunk"])
        self.stdout.write(f"Recomputed {count} credit profiles in {time.perf_counter() - started:.1f} s.")
