"""Taking back dossiers that an import created (DOMAIN §2.3 undo), while nothing has changed them since."""

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import ProtectedError

from customers.models import Customer

TAKE_BACK_CHUNK = 2000


class DossiersChanged(Exception):
    """Some dossiers changed since they were written (a later edit, a contact, an order, a logged read):
    ``customer_ids`` names them; nothing was taken back."""

    def __init__(self, customer_ids: list[int]):
        super().__init__(customer_ids)
        self.customer_ids = customer_ids


@transaction.atomic
def dossiers_take_back(*, versions: Mapping[int, int], by: AbstractBaseUser) -> int:
    """Delete the dossiers ``versions`` names (customer id → the version the import left) with their sections,
    history and review state, all or none: if any is gone, has another version, or is referred to by records that
    outlive a dossier (orders, payments, archive originals, access-log entries), raise ``DossiersChanged``.
    ``by`` must be allowed to create customers (whoever imported them). Returns how many were deleted."""
    if not versions:
        return 0
    if not by.has_perm("customers.create_customer"):
        raise DossiersChanged(sorted(versions))
    ids = sorted(versions)
    found = dict(Customer.objects.select_for_update().filter(pk__in=ids).values_list("pk", "version"))
    changed = [pk for pk in ids if found.get(pk) != versions[pk]]
    if changed:
        raise DossiersChanged(changed)
    try:
        with transaction.atomic():
            for start in range(0, len(ids), TAKE_BACK_CHUNK):
                Customer.objects.filter(pk__in=ids[start : start + TAKE_BACK_CHUNK]).delete()
    except ProtectedError as refusal:
        held = sorted({getattr(obj, "customer_id", None) for obj in refusal.protected_objects} - {None})
        raise DossiersChanged(held or ids) from None
    return len(ids)
