"""List pages: numbered page links and sortable column headers that keep the list's other filters, and the cells a
list repeats on every row, built in Python: per-row includes took a third of a 50-row page's rendering."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def page_numbers(page) -> list:
    """The page numbers to link around the current one (1 2 … 9 10 11 … 40 41), ``None`` where pages are skipped."""
    paginator = page.paginator
    if not hasattr(paginator, "get_elided_page_range"):
        return []
    return [None if n == paginator.ELLIPSIS else n for n in paginator.get_elided_page_range(page.number, on_ends=1)]


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, label: str, key: str, default: str = "", one_way: bool = False) -> dict:
    """A column header that sorts the list by ``key`` (a key of the list's orderings; ``-key`` descending) and, when
    it is the current sort (``default`` when the URL names none), the other way round unless ``one_way``; the page
    number is dropped, the filters kept."""
    query = context["request"].GET.copy()
    current = query.get("ordering") or default
    query.pop("page", None)
    state = {key: "ascending", f"-{key}": "descending"}.get(current, "")
    wanted = f"-{key}" if current == key and not one_way else key
    query["ordering"] = wanted
    hint = _("Sort descending") if wanted.startswith("-") else _("Sort ascending")
    return {"label": label, "href": "?" + query.urlencode(), "state": state, "hint": hint}


COMPLETENESS_BAR = (
    '<div class="progress completeness" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0"'
    ' aria-valuemax="100">\n  <div class="progress-bar completeness-{}" data-width="{}">{}%</div>\n</div>\n'
)


@register.simple_tag
def completeness_bar(value: int) -> SafeString:
    """A dossier's completeness as a bar coloured by its level (``includes/completeness.html`` shows it); each of
    the 101 bars built once per language (a list shows 50)."""
    return _completeness_bar(value, get_language())


@functools.lru_cache(maxsize=512)
def _completeness_bar(value: int, _language: str) -> SafeString:
    level = "done" if value >= 100 else "high" if value >= 80 else "mid" if value >= 50 else "low"
    return format_html(COMPLETENESS_BAR, _("Completeness"), value, level, value, value)
