"""The change history in words, in 简体中文 too (issue 14): "false → true" reads 否 → 是, a contact's field by its
label, a core pin and its states by their names, whatever language the writer used."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.services import core_pin_set
from crm import roles
from customers import services

pytestmark = pytest.mark.django_db


def _history_rows(client, customer, language: str) -> list[tuple[str, ...]]:
    """(field, old, new) of each history row as the page shows them."""
    page = client.get(reverse("customer_history", args=[customer.code]), HTTP_ACCEPT_LANGUAGE=language)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page.content.decode(), re.S)
    rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
    return [tuple(cell.strip() for cell in row[3:]) for row in rows]


def test_yes_no_contact_fields_and_the_core_pin_read_as_words(customer, rep, make_user, client_for):
    today = timezone.localdate()
    services.dossier_section_update(
        customer=customer, section="characteristics", values={"is_export_oriented": True}, by=rep, today=today
    )
    contact = customer.contacts.get()
    services.contact_save(customer=customer, contact=contact, values={"phone": "0571-1234567"}, by=rep)
    cm = make_user(roles.CREDIT_MANAGER, username="cm")
    core_pin_set(customer=customer, state="core", reason="strategic project", by=cm, today=today)
    client = client_for(rep)
    chinese = _history_rows(client, customer, "zh-hans")
    assert ("外向型企业", "否", "是") in chinese
    assert (f"{contact.name} · 电话", contact.phone or "—", "0571-1234567") in chinese
    assert (f"{contact.name} · 职务", "—", contact.title) in chinese
    assert ("核心客户设定", "自动（按规则）", "固定为核心客户") in chinese
    english = _history_rows(client, customer, "en")
    assert ("Export-oriented", "No", "Yes") in english
    assert ("Core pin", "Automatic (by the rule)", "Pinned core") in english
