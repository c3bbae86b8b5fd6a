"""What a target tells the import about its rows: the check's plan, what the write did, rows changed since."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


@dataclass(slots=True)
class RowCheck:
    """What the check decided for a row: ``plan`` is one of ImportRow.Plan's codes."""

    number: int
    plan: str
    errors: dict[str, Any] = field(default_factory=dict)
    duplicate: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RowWritten:
    """What the import did with a row, and what undoing it needs."""

    number: int
    outcome: str  # ImportRow.Outcome's codes
    object_id: int | None = None
    version_after: int | None = None
    before: dict[str, Any] | None = None
    errors: dict[str, Any] = field(default_factory=dict)


class RowsChanged(Exception):
    """Rows of the import whose dossiers changed since: ``numbers`` names them; nothing was taken back."""

    def __init__(self, numbers: list[int]):
        super().__init__(numbers)
        self.numbers = numbers


def json_ready(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values as JSON keeps them (dates ISO, money a decimal string), to be cleaned again on undo."""
    encoder = DjangoJSONEncoder()
    plain = str | int | bool | type(None)
    return {name: value if isinstance(value, plain) else encoder.default(value) for name, value in values.items()}
