"""Shared form behaviour: Bootstrap classes on every widget, invalid fields marked, dates bounded."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from crm.validators import plausible_date

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Give every widget its Bootstrap class, and ``is-invalid`` to fields with errors; every date field of a model
    form (a date to store) refuses implausible dates (crm/rules/dates.py); plain forms name it where they store one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_styles()
        for field in self.fields.values() if isinstance(self, forms.BaseModelForm) else ():
            if isinstance(field, forms.DateField) and plausible_date not in field.validators:
                field.validators = [*field.validators, plausible_date]

    def apply_styles(self) -> None:
        for field in self.fields.values():
            field.widget.attrs["class"] = _widget_class(field.widget)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class QuickSelect(forms.Select):
    """A select of plain choices (no groups) that writes exactly what Django's ``select.html`` writes, in Python: the
    customer list's filters are eleven selects, and rendering them through the template engine (one template per
    option) took a fifth of the page's CPU. Anything else (groups, another template) renders as Django does."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if self.template_name != forms.Select.template_name or any(group for group, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = (
            format_html('\n  <option value="{}"{}>{}</option>\n', str(o["value"]), _attrs(o["attrs"]), o["label"])
            for _group, group_options, _index in widget["optgroups"]
            for o in group_options
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), SafeString("".join(options))
        )


def _attrs(attrs: dict) -> SafeString:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    return SafeString(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )
