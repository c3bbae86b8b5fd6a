"""List pages: numbered page links and sortable column headers that keep the list's other filters."""

from django import template
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
