"""``get_<field>_display()`` without rebuilding a field's choices on every call."""

from functools import cache

from django.db import models
from django.utils.translation import get_language


class QuickChoiceLabels:
    """A model mixin: ``get_<field>_display()`` answers what Django's answers (the label of the value in the active
    language, the value itself when it is not a choice) from a table of the field's labels made once per language.
    Django's builds a dict of every choice, hashing each lazy label (a translation lookup apiece), on each call: the
    customer list's kind, nature and size made 150 of them a page."""

    def _get_FIELD_display(self, field: models.Field):
        value = getattr(self, field.attname)
        return _labels(type(self), field.name, get_language()).get(value, value)


@cache
def _labels(model: type[models.Model], field: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}
