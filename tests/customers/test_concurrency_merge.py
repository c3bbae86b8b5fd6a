"""DOMAIN §2.3: two managers merging the same two dossiers at the same moment, each the other way round, under
row locks: one merge happens, the other is refused as a merge of a merged dossier; no deadlock, no half-merge.
Row locks are PostgreSQL behaviour (CI)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from crm import roles
from customers.models import Customer
from customers.services.merge import MergeRefused, customer_merge
from tests.factories import UserFactory, make_customer

TODAY = date(2026, 11, 22)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_merges_of_one_pair_the_other_way_round_make_one_merge(data_migrations):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this test there")
    rep = UserFactory(role=roles.SALES, username="rep")
    managers = [UserFactory(role=roles.SALES_MANAGER, username=f"manager{n}") for n in (1, 2)]
    first = make_customer(owner=rep, name="杭州东方化工股份有限公司", contacts=1)
    second = make_customer(owner=rep, name="杭州東方化工有限公司", contacts=1)
    barrier, outcomes = threading.Barrier(2), []

    def merge(by, survivor, duplicate):
        try:
            barrier.wait()
            customer_merge(survivor=survivor, duplicate=duplicate, keep={}, by=by, today=TODAY)
            outcomes.append("merged")
        except MergeRefused:
            outcomes.append("refused")
        except Exception as error:  # a deadlock or anything else fails the test below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    pairs = ((managers[0], first, second), (managers[1], second, first))
    threads = [threading.Thread(target=merge, args=args) for args in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["merged", "refused"]
    merged = Customer.objects.exclude(merged_into=None).get()
    survivor = Customer.objects.get(pk=merged.merged_into_id)
    assert survivor.deleted_at is None
    assert survivor.contacts.count() == 2
