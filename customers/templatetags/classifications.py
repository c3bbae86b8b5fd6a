"""The classes of DOMAIN §2.1 in words, for a customer's list row or dossier header."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.classifications import Classes

register = template.Library()

CLASSES = (
    '<span class="d-inline-flex flex-wrap gap-1 align-items-center" data-testid="classes">'
    '<span class="badge text-bg-light border" data-class="time">{}</span>'
    '<span class="badge text-bg-light border" data-class="process">{}</span>'
    '<span class="badge text-bg-light border" data-class="volume">{}</span>{}</span>\n'
)


@register.simple_tag
def customer_classes(customer, *, detail: bool = False) -> SafeString:
    """By time, by transaction process, by volume and core; ``detail`` also says "ordinary" and whether the class is
    pinned. Built in Python, not by an included template: a list shows it on each of its 50 rows, and each distinct
    set of classes is built once per language (a few dozen there are)."""
    return _classes_html(Classes.of(customer), detail, get_language())


@functools.lru_cache(maxsize=2048)
def _classes_html(classes: Classes, detail: bool, _language: str) -> SafeString:
    pinned = format_html(" ({})", _("pinned")) if detail and classes.core_pinned else ""
    if classes.is_core:
        core = format_html(
            '<span class="badge text-bg-primary" data-class="core">{}{}</span>', _("Core customer"), pinned
        )
    elif detail:
        core = format_html(
            '<span class="badge text-bg-light border" data-class="core">{}{}</span>', _("Ordinary customer"), pinned
        )
    else:
        core = ""
    return format_html(CLASSES, classes.time_label, classes.process_label, classes.volume_label, core)
