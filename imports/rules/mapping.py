"""Which column feeds which field (DOMAIN §2.3): a header equal to a field's name or to its label in either
language maps itself; the user maps the rest, and may save the mapping under the name of its source."""

import re
from collections.abc import Mapping, Sequence

_IGNORED = re.compile(r"[\s_\-:：()（）*]+")


def header_key(header: str) -> str:
    """A header compared without case, spaces, underscores, colons, brackets or asterisks (``* 名称：`` = ``名称``)."""
    return _IGNORED.sub("", header).casefold()


def auto_mapping(headers: Sequence[str], names: Mapping[str, str]) -> dict[str, str]:
    """``{header: field}`` for each header that names a field; ``names`` maps each field name and label (already
    as ``header_key``) to its field. A field is taken by its first column only."""
    mapping: dict[str, str] = {}
    for header in headers:
        field = names.get(header_key(header))
        if field and field not in mapping.values():
            mapping[header] = field
    return mapping


def mapping_problems(mapping: Mapping[str, str], headers: Sequence[str], fields: Sequence[str]) -> list[str]:
    """The codes of what is wrong with a mapping: ``unknown_header``, ``unknown_field``, ``repeated_field``."""
    problems = []
    if any(header not in headers for header in mapping):
        problems.append("unknown_header")
    chosen = [field for field in mapping.values() if field]
    if any(field not in fields for field in chosen):
        problems.append("unknown_field")
    if len(set(chosen)) != len(chosen):
        problems.append("repeated_field")
    return problems


def mapped_values(cells: Sequence[str], headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """``{field: text}`` of one row; empty cells are left out (an empty cell changes nothing)."""
    values = {}
    for header, text in zip(headers, cells, strict=False):
        field = mapping.get(header)
        if field and text != "":
            values[field] = text
    return values


def choice_code(text: str, codes: Mapping[str, str]) -> str:
    """A choice given as its code or as its label in either language (``small``, ``Small``, ``小型``) → the code;
    other text as it is, for the field to refuse."""
    return codes.get(header_key(text), text)
