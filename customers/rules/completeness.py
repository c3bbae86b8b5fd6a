"""Dossier completeness 完整性 (DOMAIN §2): the share of required fields that are filled."""

from collections.abc import Mapping, Sequence


def is_filled(value: object) -> bool:
    """None, blank strings, False (an unticked box, no contacts) and empty collections are missing; 0 is filled."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return not value.isspace() and value != ""
    if isinstance(value, list | tuple | set | dict):
        return bool(value)
    return True


def completeness(values: Mapping[str, object], required: Sequence[str]) -> int:
    """Percentage 0–100 (rounded down) of ``required`` names whose value in ``values`` is filled.

    A dossier with no required fields is complete.
    """
    return filled_percentage([values.get(name) for name in required])


def filled_percentage(values: Sequence[object]) -> int:
    """Percentage 0–100 (rounded down) of the required ``values`` that are filled; none required is complete."""
    if not values:
        return 100
    filled = 0
    for value in values:  # is_filled, with its commonest cases inline: a thousand dossiers a batch, 20 values each
        if value.__class__ is str:
            filled += value != "" and not value.isspace()
        elif value is not None and value is not False:
            filled += is_filled(value)
    return filled * 100 // len(values)


def missing_fields(values: Mapping[str, object], required: Sequence[str]) -> list[str]:
    return [name for name in required if not is_filled(values.get(name))]
