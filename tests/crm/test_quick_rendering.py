"""The list page's quick paths write exactly what Django's own would (issue 15 point 6: faster, same page)."""

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from crm.forms import QuickSelect
from customers.forms import CustomerFilterForm
from customers.models import Customer


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        ([("", "All"), ("a", "A & <b>"), (1, "one")], "a", {"class": "form-select", "id": "id_x"}),
        ([("", "All"), ("a", "A")], None, {"required": True, "disabled": False, "data-x": 'q"'}),
        ([(1, "x"), (2, "y")], 2, {"id": "i"}),
        ([], "", {}),
        ([("group", [("a", "A"), ("b", "B")]), ("c", "C")], "b", {}),  # groups: Django's own template
    ],
)
def test_a_quick_select_writes_what_djangos_select_writes(choices, value, attrs):
    assert QuickSelect(choices=choices).render("n&", value, attrs) == forms.Select(choices=choices).render(
        "n&", value, attrs
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_list_filters_render_as_djangos_selects_would(language, rep):
    with translation.override(language):
        form = CustomerFilterForm(QueryDict("size=medium&ordering=-completeness&stale=1"), owners=[rep])
        for field in form:
            if isinstance(field.field.widget, QuickSelect):
                plain = forms.Select(attrs=field.field.widget.attrs, choices=field.field.choices)
                assert str(field) == plain.render(field.html_name, field.value(), {"id": field.auto_id})


def test_a_customers_choice_labels_are_djangos_in_the_readers_language():
    customer = Customer(kind="end", nature="partner", size="large")
    shown = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            shown[language] = (customer.get_kind_display(), customer.get_nature_display(), customer.get_size_display())
            expected = tuple(
                str(dict(Customer._meta.get_field(name).flatchoices)[value])
                for name, value in (("kind", "end"), ("nature", "partner"), ("size", "large"))
            )
            assert shown[language] == expected
    assert shown["en"] == ("End customer (individual or end user)", "Partner", "Large")
    assert shown["zh-hans"] != shown["en"]
    customer.size = "huge"  # not a choice: the value itself, as Django shows it
    assert customer.get_size_display() == "huge"
