"""A page's statements run without parallel workers (crm.keyset.without_parallel_workers), each one alone: the
session, which a pooled connection hands to the next request, keeps its own setting."""

import pytest
from django.db import connection

from crm import keyset

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit: each statement its own transaction, as a request's


def _workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        return cursor.fetchone()[0]


def test_statements_inside_run_without_parallel_workers_and_the_session_keeps_its_setting():
    if connection.vendor != "postgresql":
        pytest.skip("parallel workers are PostgreSQL's; CI runs this test there")
    before = _workers()
    assert before != "0"
    with keyset.without_parallel_workers():
        assert _workers() == "0"
        assert _workers() == "0"
    assert _workers() == before
