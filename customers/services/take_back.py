"""Taking back dossiers that an import created (DOMAIN §2.3 undo), while nothing has changed them since."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import F
from django.db.models.deletion import get_candidate_relations_to_delete

from crm.bulk import AnyOf
from customers.models import Customer

TAKE_BACK_CHUNK = 5000  # keys per statement (SQLite, where they are parameters each, takes at most 32,766)


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
    locked = Customer.objects.select_for_update().filter(AnyOf(F("pk"), ids)).order_by("pk")
    found = dict(locked.values_list("pk", "version"))
    changed = [pk for pk in ids if found.get(pk) != versions[pk]]
    if changed:
        raise DossiersChanged(changed)
    chunks = [ids[start : start + TAKE_BACK_CHUNK] for start in range(0, len(ids), TAKE_BACK_CHUNK)]
    held = set().union(*(_held(Customer, chunk) for chunk in chunks))
    if held:
        raise DossiersChanged(sorted(held))
    for chunk in chunks:
        _delete(Customer, chunk)
    return len(ids)


def _relations(model: type[models.Model]) -> list:
    """The relations Django's delete follows from ``model`` (the same ones, so that the result is Django's)."""
    relations = list(get_candidate_relations_to_delete(model._meta))
    unknown = {r.on_delete for r in relations} - {models.CASCADE, models.PROTECT, models.SET_NULL, models.DO_NOTHING}
    if unknown:  # a new kind of relation must be taught here, not deleted past
        raise NotImplementedError(f"{model._meta.label}: on_delete {unknown}")
    return relations


def _referring(relation, pks: Sequence) -> models.QuerySet:
    return relation.related_model._base_manager.filter(AnyOf(F(relation.field.attname), list(pks)))


def _held(model: type[models.Model], pks: Sequence, *, root: Sequence | None = None) -> set:
    """Which of the ``root`` rows (``pks`` themselves at the top) a protected record keeps (PROTECT), through the
    rows deletion would cascade to: one query per relation, not per row. Below the top, a protected record's root
    row is not traced: every root row is named."""
    held: set = set()
    for relation in _relations(model):
        referring = _referring(relation, pks)
        if relation.on_delete is models.PROTECT:
            found = set(referring.order_by().values_list(relation.field.attname, flat=True).distinct())
            held |= found if root is None else (set(root) if found else set())
        elif relation.on_delete is models.CASCADE and _relations(relation.related_model):
            below = list(referring.values_list("pk", flat=True))
            if below:
                held |= _held(relation.related_model, below, root=pks if root is None else root)
    return held


def _delete(model: type[models.Model], pks: Sequence) -> None:
    """Delete rows ``pks`` and what they cascade to, as Django's delete would (after ``_held`` found nothing
    protected), with one statement per relation: Django's collector prepares the keys row by row, seconds of
    Python for an import of 100,000 dossiers."""
    for relation in _relations(model):
        referring = _referring(relation, pks)
        if relation.on_delete is models.CASCADE:
            if _relations(relation.related_model):
                below = list(referring.values_list("pk", flat=True))
                if below:
                    _delete(relation.related_model, below)
            else:
                referring._raw_delete(referring.db)
        elif relation.on_delete is models.SET_NULL:
            referring.update(**{relation.field.name: None})
    deleted = model._base_manager.filter(AnyOf(F("pk"), list(pks)))
    deleted._raw_delete(deleted.db)
