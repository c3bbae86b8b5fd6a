"""The access log and the archive history in words, in 简体中文 too (issue 14): who read what and why, not
``role: sales_manager`` and ``history``; which register fields an edit changed, in the reader's language."""

import csv
import io

import pytest
from django.urls import reverse

from archives import services
from tests.archives.test_views_archives import signed_in

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_access_log_names_roles_and_parts_in_words(manager, customer):
    signed_in(manager).get(reverse("customer_history", args=[customer.code]))  # a full read of one part, logged
    page = signed_in(manager).get(reverse("access_log"), {"customer": customer.code}, **ZH).content.decode()
    assert "角色：销售经理" in page
    assert '<td class="small">历史</td>' in page
    assert "sales_manager" not in page
    export = signed_in(manager).get(reverse("access_log"), {"customer": customer.code, "format": "csv"}, **ZH)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert (rows[1][6], rows[1][7]) == ("历史", "角色：销售经理")


def test_an_edit_of_the_register_is_in_the_readers_language(archivist, licence):
    services.archive_document_update(document=licence, values={"room": "B", "view_only": True}, by=archivist)
    page = signed_in(archivist).get(reverse("archive_document", args=[licence.number]), **ZH).content.decode()
    english = signed_in(archivist).get(reverse("archive_document", args=[licence.number])).content.decode()
    assert "<td>已修改</td><td>档案室, 仅供查阅</td>" in page.replace("\n", "")
    assert "<td>Edited</td><td>room, view only</td>" in english.replace("\n", "")
