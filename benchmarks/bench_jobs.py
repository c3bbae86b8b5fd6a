"""Issue 5 speed targets, on the database of DATABASE_URL (≈1,000,000 dossiers: generate_portfolio.py):

- the staleness scan of every dossier under 30 s and 500 MB of memory, also when every dossier changes
  (first scan after a bulk load, or after the review intervals of the credit policy change: "cold");
- the reminder pass for 10,000 due reminders under 10 s, e-mail digests included.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_jobs.py
"""

import resource
import time
import uuid
from dataclasses import replace
from datetime import timedelta

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from credit.selectors import review_policy
from crm.models import Reminder
from crm.services import reminders_send_digests
from customers.models import Customer, ReviewState
from customers.services.reminders import review_reminders
from customers.services.review_state import dossier_staleness_scan


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    today = timezone.localdate()
    review = review_policy()
    print(f"dossiers {Customer.objects.count():,}, database {connection.vendor}, memory before {peak_mb():.0f} MB")
    changed_policy = replace(review, core_days=review.core_days + 1, other_days=review.other_days + 1)
    runs = [
        ("first", review),
        ("cold, review intervals changed (+1 day)", changed_policy),
        ("cold, review intervals back", review),
        ("steady state (nothing to change)", review),
    ]
    for run, intervals in runs:
        started = time.perf_counter()
        changed = dossier_staleness_scan(today=today, policy=intervals)
        print(
            f"staleness scan, {run}: {changed:,} dossiers changed in {time.perf_counter() - started:.1f} s, "
            f"peak memory {peak_mb():.0f} MB"
        )

    # 10,000 dossiers due a week after a day in the past when no other review was due, spread over
    # their owners (who get an e-mail address); earlier reminders are already e-mailed.
    day = today - timedelta(days=400 + uuid.uuid4().int % 300)
    ids = list(Customer.objects.filter(deleted_at__isnull=True).order_by("?").values_list("pk", flat=True)[:10_000])
    ReviewState.objects.filter(customer__in=ids).update(next_review_due=day + timedelta(days=7))
    owners = Customer.objects.filter(pk__in=ids).values("owner_id").distinct()
    get_user_model().objects.filter(pk__in=owners, email="").update(email="rep@example.com")
    Reminder.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started = time.perf_counter()
        created = review_reminders(today=day, policy=review)
        sent = reminders_send_digests()
        elapsed = time.perf_counter() - started
    print(f"reminder pass: {created:,} reminders and {sent:,} digest e-mails in {elapsed:.1f} s")
    ReviewState.objects.filter(customer__in=ids).update(next_review_due=today + timedelta(days=90))
    again = review_reminders(today=day, policy=review)
    print(f"second pass the same day: {again} new reminders")


if __name__ == "__main__":
    main()
