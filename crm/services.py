"""Writes of the shared pieces."""

from django.db import transaction
from django.db.models import F

from crm.models import AccessLog, NumberSequence


@transaction.atomic
def number_sequence_take(*, name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of the named sequence; the row lock serialises callers."""
    updated = NumberSequence.objects.filter(name=name).update(last=F("last") + count)
    if not updated:
        NumberSequence.objects.get_or_create(name=name)
        NumberSequence.objects.filter(name=name).update(last=F("last") + count)
    last = NumberSequence.objects.values_list("last", flat=True).get(name=name)
    return range(last - count + 1, last + 1)


def access_log_record(
    *, user, customer, channel: str, action: str = AccessLog.Action.DOSSIER_READ, object_ref: str = "", reason: str = ""
) -> AccessLog | None:
    """Log a full read by someone who is not the owner (DOMAIN §1); owners' own reads are not logged."""
    if customer.owner_id == user.pk:
        return None
    return AccessLog.objects.create(
        user=user, customer=customer, channel=channel, action=action, object_ref=object_ref, reason=reason[:200]
    )
