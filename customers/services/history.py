"""The dossier's change history 变更记录 (DOMAIN §2: who, when, old → new) and its customer codes."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from customers.models import ChangeRecord, Customer


def customer_code(number: int) -> str:
    """The customer code 客户编码: ``C`` and at least six digits, e.g. C000123 (unique, never reused)."""
    return f"C{number:06d}"


def created_entry(owner: AbstractBaseUser) -> tuple[str, None, str]:
    """The one history entry of a new dossier: field "created", new value the owner's username."""
    return ("created", None, owner.get_username())


def history_text(value: Any) -> str:
    """How a value is written into the change history."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def history_record(
    customer: Customer, by: AbstractBaseUser, section: str, changes: Sequence[tuple[str, Any, Any]]
) -> list[ChangeRecord]:
    """Write (field, old, new) changes of one section into the history."""
    now = timezone.now()
    rows = [
        ChangeRecord(
            customer=customer, at=now, by=by, section=section, field=field, old=history_text(old), new=history_text(new)
        )
        for field, old, new in changes
    ]
    return ChangeRecord.objects.bulk_create(rows)
