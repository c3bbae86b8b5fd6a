"""A demo a newcomer believes (issue 14 point 9): Chinese customers in real Chinese provinces and cities, English
ones abroad, interactions that say what their type is, and a payment-grade mix where most customers pay well."""

import re
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from credit.models import CreditProfile
from customers.models import Customer, Interaction
from demo.interactions import INTERACTION_TEXTS
from demo.places import ABROAD, CHINA, MUNICIPALITIES
from tests.conftest import CLOCK

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo seeded once for this module, in a transaction rolled back at its end (seeding takes a while)."""
    with time_machine.travel(CLOCK, tick=True), django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", customers=50, stdout=StringIO())
        yield list(Customer.objects.filter(external_id__startswith="DEMO-").select_related("basic"))
        transaction.set_rollback(True)


def test_chinese_customers_are_in_a_real_province_and_one_of_its_cities(demo):
    chinese = [c for c in demo if c.region in CHINA]
    assert 0.55 < len(chinese) / len(demo) < 0.85
    assert len({c.region for c in chinese}) >= 8  # spread over the country, not one province
    for customer in chinese:
        assert CJK.search(customer.name), customer.name
        if not customer.address:
            continue
        cities = [city for city in CHINA[customer.region] if city in customer.address]
        assert cities, customer.address  # the city belongs to the province: no 辽宁省兰州市
        postcode, area, _districts = CHINA[customer.region][cities[0]]
        assert customer.basic.postcode == postcode
        if customer.region not in MUNICIPALITIES:
            assert customer.address.startswith(customer.region + cities[0])
        if "-" in customer.phone:  # a landline carries its city's area code
            assert customer.phone.startswith(area + "-"), (customer.phone, cities[0])
        if customer.kind == "intermediate" and customer.unified_social_credit_code:
            assert len(customer.unified_social_credit_code) == 18


def test_english_customers_are_abroad_with_their_country_and_no_chinese_credit_code(demo):
    abroad = [c for c in demo if c.region not in CHINA]
    assert abroad
    for customer in abroad:
        assert customer.region in ABROAD
        assert not CJK.search(customer.name), customer.name
        assert customer.unified_social_credit_code == ""
        assert customer.phone.startswith(ABROAD[customer.region][0] + " ")
        if customer.address:
            assert customer.address.endswith(customer.region)
            assert not CJK.search(customer.address)


def test_interactions_say_what_their_type_is_in_the_customers_language(demo):
    texts = {
        (kind, subject): details
        for kind, languages in INTERACTION_TEXTS.items()
        for pairs in languages.values()
        for subject, details in pairs
    }
    kinds_of_subject: dict[str, set[str]] = {}
    for interaction in Interaction.objects.filter(customer__in=demo).select_related("customer"):
        kinds_of_subject.setdefault(interaction.subject, set()).add(interaction.kind)
        if (interaction.kind, interaction.subject) not in texts:
            continue  # promotion responses and complaint follow-ups, seeded by customers/demo.py
        assert interaction.details == texts[interaction.kind, interaction.subject]
        chinese = interaction.customer.region in CHINA
        assert bool(CJK.search(interaction.subject)) == chinese, (interaction.customer.region, interaction.subject)
    assert {kind for (kind, _subject) in texts} <= {k for kinds in kinds_of_subject.values() for k in kinds}
    assert all(len(kinds) == 1 for kinds in kinds_of_subject.values())  # no "complaint" filed as a delivery


def test_most_customers_pay_well_and_few_are_graded_ding(demo):
    grades = Counter(
        CreditProfile.objects.filter(customer__in=demo)
        .exclude(payment_grade="unrated")
        .values_list("payment_grade", flat=True)
    )
    graded = sum(grades.values())
    assert graded >= 35
    assert (grades["jia"] + grades["yi"]) / graded >= 0.6
    assert grades["jia"] > grades["bing"] > 0
    assert 0 < grades["ding"] <= 0.15 * graded
