"""`seed_demo` gives the behaviour and segmentation pages something to show (issue 11 point 8), once."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from analytics.models import CustomerSegment, SegmentationRun
from customers.models import Interaction

pytestmark = pytest.mark.django_db


def test_demo_promotions_complaints_and_segments_are_seeded_once():
    call_command("seed_demo", customers=12)
    responses = Interaction.objects.filter(kind="promotion_response")
    assert responses.exists()
    assert not responses.filter(Q(promotion="") | Q(response="") | Q(cost__isnull=True)).exists()
    assert {"positive", "negative"} == set(responses.values_list("response", flat=True))
    complaints = Interaction.objects.filter(kind__in=["complaint", "quality_feedback"])
    services = Interaction.objects.filter(kind="service")
    assert complaints.exists()
    assert services.exists()
    assert SegmentationRun.objects.count() == 1
    assert CustomerSegment.objects.exists()
    counts = (responses.count(), complaints.count(), services.count())
    call_command("seed_demo", customers=12)
    assert (responses.count(), complaints.count(), services.count()) == counts
    assert SegmentationRun.objects.count() == 1
