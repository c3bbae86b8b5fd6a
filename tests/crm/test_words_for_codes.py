"""Human words everywhere (issue 14): every code the product stores or raises (recommendation and hold reasons,
sales policies, note causes, limit states, order refusals, roles, dossier parts, archive refusals, history events,
constraint names, indicator groups) has a label in English words and in 简体中文. A new code without words fails here
before a user sees ``no_valid_limit`` or "Constraint “policy_a_above_b” is violated"."""

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from archives.messages import REFUSALS, STATUS_LABELS, access_object_text
from archives.rules.custody import DocumentStatus, borrowing_due_error
from credit.models import (
    INDICATOR_GROUP_LABELS,
    LIMIT_STANDING_TEXTS,
    NOTE_CAUSE_LABELS,
    REASON_LABELS,
    SALES_POLICY_LABELS,
    Indicator,
    ScoringModel,
    reason_texts,
)
from credit.rules.decisions import LimitState, NoteCause
from credit.rules.limits import Reason, SalesPolicy
from credit.rules.orders import TRANSITIONS
from credit.rules.policy import CreditPolicy
from credit.services import ORDER_REFUSALS
from crm.constraints import ConstraintWords, needs_words
from crm.roles import ALL_ROLES, ROLE_LABELS, role_reason_text
from customers.sections import RECORD_EVENT_LABELS
from customers.selectors import PART_LABELS, DossierPart

CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a snake_case code such as no_valid_limit
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")  # where a sentence takes its numbers


def _both(label) -> tuple[str, str]:
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    return english, chinese


def _assert_words(code: str, label) -> None:
    english, chinese = _both(label)
    assert not CODE.search(PLACEHOLDER.sub("", english)), f"{code}: a code in {english!r}"
    assert chinese != english, f"{code}: no 简体中文 for {english!r}"
    assert not CODE.search(PLACEHOLDER.sub("", chinese)), f"{code}: a code in {chinese!r}"


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_every_recommendation_and_hold_reason_has_words(reason):
    _assert_words(reason, REASON_LABELS[reason])
    with translation.override("zh-hans"):
        (text,) = reason_texts([reason.value], CreditPolicy())  # the policy's numbers fill the sentence
    assert "%(" not in text
    assert reason.value not in text


@pytest.mark.parametrize(
    ("labels", "codes"),
    [
        pytest.param(SALES_POLICY_LABELS, list(SalesPolicy), id="sales-policy"),
        pytest.param(NOTE_CAUSE_LABELS, list(NoteCause), id="note-cause"),
        pytest.param(LIMIT_STANDING_TEXTS, list(LimitState), id="limit-state"),
        pytest.param(ORDER_REFUSALS, list(TRANSITIONS), id="order-action-refused"),
        pytest.param(ROLE_LABELS, list(ALL_ROLES), id="role"),
        pytest.param(PART_LABELS, list(DossierPart), id="dossier-part"),
        pytest.param(STATUS_LABELS, list(DocumentStatus), id="archive-document-status"),
    ],
)
def test_every_code_of_a_kind_has_words(labels, codes):
    assert set(labels) == set(codes)
    for code in codes:
        _assert_words(code or "whole", labels[code])


def _raised_codes(path: Path, exceptions: set[str]) -> set[str]:
    """The string codes ``raise BorrowingRefused("view_only")`` and the like pass in a module."""
    codes = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in exceptions:
            codes |= {arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return codes


def test_every_archive_refusal_has_words():
    base = Path(settings.BASE_DIR) / "archives"
    raised = set()
    for path in [*base.glob("services/*.py"), *base.glob("rules/*.py")]:
        raised |= _raised_codes(path, {"BorrowingRefused", "HandoverRefused", "TransitionRefused"})
    today = date(2026, 11, 22)
    days = (today - timedelta(1), date(2030, 1, 1))
    due = {borrowing_due_error(due_on=day, today=today, max_days=30) for day in days}
    raised |= {f"due_{code}" for code in due}  # raise BorrowingRefused(f"due_{error}")
    assert {"view_only", "due_past", "due_too_long", "nothing_to_move"} <= raised  # the scan finds them
    assert raised - set(REFUSALS) == set()
    for code in raised:
        _assert_words(code, REFUSALS[code])


@pytest.mark.parametrize("event", list(RECORD_EVENT_LABELS), ids=str)
def test_every_history_event_has_words(event):
    _assert_words(event, RECORD_EVENT_LABELS[event])


def test_the_access_log_says_roles_and_objects_in_words():
    with translation.override("zh-hans"):
        assert role_reason_text("role: credit_manager, sales_manager") == "角色：信用经理, 销售经理"
        assert role_reason_text("superuser") == "超级管理员"
        assert role_reason_text("to check the payment terms") == "to check the payment terms"  # typed: as typed
        assert access_object_text("list") == "客户列表"
        assert access_object_text("history") == "历史"
        assert access_object_text("archive:ARC-2026-000001") == "原件 ARC-2026-000001"
        assert access_object_text("credit_document:12") == "信用文件 #12"


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label in ("crm", "customers", "credit", "archives", "analytics", "imports"):
            yield from ((model, c) for c in model._meta.constraints if needs_words(c))


@pytest.mark.parametrize(("model", "constraint"), list(_constraints()), ids=lambda v: getattr(v, "name", ""))
def test_every_constraint_is_explained_next_to_its_field(model, constraint):
    assert issubclass(model, ConstraintWords), f"{model._meta.label} says 'Constraint … is violated'"
    field, words = model.constraint_words[constraint.name]
    if field is not None:
        model._meta.get_field(field)  # the field the words are shown next to exists
    _assert_words(constraint.name, words)


@pytest.mark.django_db
def test_the_shipped_scoring_models_and_their_indicators_are_in_chinese():
    """The two feature-analysis models of DOMAIN §5.2 come from a data migration, in English; they are shown in
    the reader's language, their groups too."""
    models = list(ScoringModel.objects.all())
    indicators = list(Indicator.objects.all())
    assert len(models) == 2
    assert len(indicators) == 26
    with translation.override("zh-hans"):
        assert [m.name_text for m in models if m.name_text == m.name] == []
        assert [i.label for i in indicators if i.label_text == i.label] == []
    for group in {i.group for i in indicators}:
        _assert_words(group, INDICATOR_GROUP_LABELS[group])
