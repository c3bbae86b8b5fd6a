"""Every read of imports (DOMAIN §2.3), scoped to the caller: a user sees their own imports, a sales manager
every import."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from crm.errors import NotFound
from imports.models import ImportBatch, ImportRow, SavedMapping
from imports.targets import TARGETS

REPORT_ROWS = 500  # rows listed per kind (bad rows, suspected duplicates); the summary counts them all


def import_scope(*, user: AbstractBaseUser) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("created_by")
    if not user.has_perm("imports.view_imports"):
        return qs.none()
    if user.has_perm("imports.undo_any_import"):
        return qs
    return qs.filter(created_by=user)


class ImportNotFound(NotFound):
    """No import with this id that the user may see."""


def import_get(*, user: AbstractBaseUser, pk: int) -> ImportBatch:
    try:
        return import_scope(user=user).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise ImportNotFound(pk) from None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The rows a person looks at: each bad row with its reasons, each suspected duplicate with the dossier it
    resembles (at most ``REPORT_ROWS`` of each, first rows first)."""

    errors: list[dict]
    duplicates: list[dict]


def import_report(*, batch: ImportBatch) -> ImportReport:
    bad = Q(plan=ImportRow.Plan.INVALID) | Q(outcome=ImportRow.Outcome.REFUSED)
    errors = [
        {"row": number, "errors": errors}
        for number, errors in batch.row_set.filter(bad).order_by("number").values_list("number", "errors")[:REPORT_ROWS]
    ]
    duplicates = [
        {"row": number, **duplicate}
        for number, duplicate in batch.row_set.filter(plan=ImportRow.Plan.DUPLICATE)
        .order_by("number")
        .values_list("number", "duplicate")[:REPORT_ROWS]
    ]
    return ImportReport(errors=errors, duplicates=duplicates)


def field_choices(*, target: str) -> list[tuple[str, str]]:
    """(field, label in the current language) of every field a column of this target may feed."""
    module = TARGETS[target]
    return [(name, module.field_label(name)) for name in module.field_names()]


def saved_mappings(*, target: str | None = None) -> QuerySet[SavedMapping]:
    qs = SavedMapping.objects.all()
    return qs if target is None else qs.filter(target=target)
