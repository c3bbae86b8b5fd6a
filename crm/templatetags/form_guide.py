"""Forms that guide (issue 14 point 7): the summary of a submitted form's errors shown at its top."""

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True, slots=True)
class FormError:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the field's input, to jump to


def form_errors(*items) -> list[FormError]:
    """The errors of the given forms (a form, or a list of forms), form-wide ones first, then field by field in
    the order the fields are shown."""
    found = [form for item in items for form in (item if isinstance(item, list | tuple) else [item])]
    found = [form for form in found if isinstance(form, forms.BaseForm) and form.is_bound]
    errors = [FormError(str(message)) for form in found for message in form.non_field_errors()]
    for form in found:
        for field in form:
            anchor = _anchor(field)
            errors += [FormError(str(message), str(field.label or ""), anchor) for message in field.errors]
    return errors


def _anchor(field) -> str:
    """The id of the input a summary link jumps to: none for a hidden field, the first box of a group of boxes."""
    if field.is_hidden or not field.auto_id:
        return ""
    if isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*items) -> dict:
    """``{% error_summary form %}`` or ``{% error_summary forms %}``: one alert listing every error with a link to
    its field; static/js/app.js moves the focus to the first field in error when the page loads."""
    return {"errors": form_errors(*items)}
