"""`manage.py seed_demo` (run by `make run`) is idempotent and covers every role."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from archives.models import ArchiveDocument, Borrowing
from archives.services.reminders import borrowing_reminders
from crm import roles
from customers.models import ChangeRecord, Customer

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_user_per_role_and_customers_once():
    call_command("seed_demo", customers=12)
    counts = (Customer.objects.count(), ChangeRecord.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", customers=12)
    assert (Customer.objects.count(), ChangeRecord.objects.count(), get_user_model().objects.count()) == counts
    assert counts[0] == 12
    users = get_user_model().objects.prefetch_related("groups")
    assert {g.name for u in users for g in u.groups.all()} == set(roles.ALL_ROLES)
    assert get_user_model().objects.get(username="sales1").check_password("demo1234")


def test_demo_customers_are_realistic():
    call_command("seed_demo", customers=30)
    kinds = set(Customer.objects.values_list("kind", flat=True))
    sizes = set(Customer.objects.values_list("size", flat=True))
    assert kinds == {"intermediate", "end"}
    assert sizes == {"small", "medium", "large"}
    assert Customer.objects.filter(contacts__isnull=False).exists()
    assert Customer.objects.filter(interactions__isnull=False).exists()
    assert all(0 < c <= 100 for c in Customer.objects.values_list("completeness", flat=True))


def test_demo_trade_produces_every_tier_and_grade():
    """DOMAIN §3–§4: the demo shows tiers A–D and grades 甲乙丙丁, with held orders and pending requests."""
    from credit.models import CreditLimitRequest, CreditProfile, Order

    call_command("seed_demo", customers=48)
    assert set(CreditProfile.objects.values_list("tier", flat=True)) == {"A", "B", "C", "D"}
    assert set(CreditProfile.objects.values_list("payment_grade", flat=True)) >= {"jia", "yi", "bing", "ding"}
    assert Order.objects.filter(status="credit_hold").exists()
    assert CreditLimitRequest.objects.filter(status="pending").exists()


def test_demo_shows_every_class_of_domain_2_1():
    """DOMAIN §2.1: future, new and old customers; current, past and upcoming ones; key, general and scattered;
    and a customer a credit manager pinned core."""
    from credit.models import CreditProfile

    call_command("seed_demo", customers=48)
    profiles = CreditProfile.objects.all()
    assert set(profiles.values_list("time_class", flat=True)) == {"future", "new", "old"}
    assert set(profiles.values_list("process_class", flat=True)) >= {"current", "past", "upcoming"}
    assert set(profiles.values_list("volume_class", flat=True)) == {"key", "general", "scattered"}
    assert profiles.filter(core_pinned=True, is_core=True).exists()
    assert profiles.filter(core_pinned=False, is_core=True).exists()


def test_demo_archive_has_originals_scans_and_every_borrowing_stage():
    """DOMAIN §9: the demo register shows view-only licences with scans, expired reports and borrowings."""
    call_command("seed_demo", customers=12)
    documents = ArchiveDocument.objects.count()
    call_command("seed_demo", customers=12)
    assert ArchiveDocument.objects.count() == documents == 36
    assert ArchiveDocument.objects.filter(doc_type="business_licence", view_only=True).exclude(scan="").count() == 12
    with ArchiveDocument.objects.exclude(scan="").first().scan.open("rb") as scan:
        assert scan.read(5) == b"%PDF-"
    assert set(Borrowing.objects.values_list("status", flat=True)) == {"requested", "lent", "returned"}
    assert borrowing_reminders(today=timezone.localdate()) == 2  # the overdue loan: borrower and archivist


def test_demo_sales_span_24_months_with_a_season_and_growth():
    """Issue 11 point 8: the trend page has Holt-Winters material — 24 complete months, year-end busier than the
    New Year lull, and the last 12 months above the 12 before (DOMAIN §10.3)."""
    from analytics.scope import AnalysisScope
    from analytics.selectors.trend import trend

    call_command("seed_demo", customers=48)
    today = timezone.localdate()
    manager = get_user_model().objects.get(username="manager")
    report = trend(scope=AnalysisScope(user=manager, as_of=today, today=today), months=24)
    total = report.series[0].values
    assert report.months_of_data == 24
    assert report.forecast.method == "holt_winters"
    assert sum(total[12:]) > sum(total[:12])
    by_month = dict(zip(report.months, total, strict=True))
    december = [value for month, value in by_month.items() if month.endswith("-12")]
    february = [value for month, value in by_month.items() if month.endswith("-02")]
    assert sum(december) > 2 * sum(february)
