"""The API's JSON parser: a body too deeply nested to parse is a 400, not a RecursionError (API.md: no 500)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
"""The deepest nesting of arrays and objects a body may have; a dossier needs four."""


def nesting_depth(value) -> int:
    """How deeply ``value`` nests lists and dicts, counted without recursion, a level at a time (a thousand bulk
    records are walked in about a millisecond)."""
    depth, level = 0, [value]
    while True:
        containers = [item for item in level if isinstance(item, dict | list)]  # scalars end here
        if not containers:
            return depth
        depth += 1
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data
