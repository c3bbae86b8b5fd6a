"""Shared form behaviour: Bootstrap classes on every widget, invalid fields marked, dates bounded."""

from django import forms

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
