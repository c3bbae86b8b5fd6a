"""API.md bulk-upsert: a record's values are checked by the model fields' own rules. Plain strings that a field
keeps as they are skip its ``clean`` (most of a batch); every value must still come out, or be refused with the
messages, exactly as the field's ``clean`` says."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from customers.api import bulk
from customers.models import Customer
from customers.sections import SECTION_MODELS

CUSTOMER_TEXT = [name for name, f in bulk._CUSTOMER_MODEL_FIELDS.items() if (f.model, f.name) in bulk._PLAIN_TEXT]
SECTION_TEXT = [(section, name) for section, fields in bulk._SECTION_MODEL_FIELDS.items() for name, f in fields.items()]


def _field_says(model_field, value):
    try:
        return model_field.clean(value, None), None
    except ValidationError as error:
        return None, error.messages


def _record_says(record, path):
    item, errors = bulk.clean_record(0, {"external_id": "X", "name": "N", **record})
    if errors:
        return None, errors[path[0]] if len(path) == 1 else errors[path[0]][path[1]]
    values = item.values if len(path) == 1 else dict(item.sections[0].values)
    return values[path[-1]], None


def _choice_codes():
    codes = [code for _rule_length, _blank, codes in bulk._PLAIN_TEXT.values() for code in codes or ()]
    return st.sampled_from(codes)


TEXTS = st.one_of(
    st.text(max_size=30),
    st.text(min_size=95, max_size=310),  # about every max_length there is
    st.sampled_from(["", " ", "x" * 12, "x" * 13, "x" * 200, "x" * 201]),
    _choice_codes(),
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(CUSTOMER_TEXT), value=TEXTS.filter(lambda v: "\x00" not in v))
def test_customer_text_fields_keep_or_refuse_as_the_field_does(name, value):
    assert _record_says({name: value}, (name,)) == _field_says(Customer._meta.get_field(name), value)


@settings(max_examples=300, deadline=None)
@given(where=st.sampled_from(SECTION_TEXT), value=TEXTS.filter(lambda v: "\x00" not in v))
def test_section_fields_keep_or_refuse_as_the_field_does(where, value):
    section, name = where
    expected = _field_says(SECTION_MODELS[section]._meta.get_field(name), value)
    assert _record_says({section: {name: value}}, (section, name)) == expected


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        pytest.param("small", False, id="a-choice"),
        pytest.param("tiny", True, id="not-a-choice"),
        pytest.param("", True, id="blank-where-required"),
    ],
)
def test_a_choice_field_keeps_its_codes_only(value, refused):
    item, errors = bulk.clean_record(0, {"external_id": "X", "size": value})
    assert bool(errors) is refused
    assert refused or item.values["size"] == value
