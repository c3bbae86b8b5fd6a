"""Issue 2 speed targets: the customer list page (search + filter + sort, 50 rows) and the dossier
page each under 100 ms server time, median of 20 requests through Django's test client, with
query counts that do not grow with the rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_pages.py
"""

import _setup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

from customers.models import Customer

RUNS = 20


def main() -> None:
    setup_test_environment()
    rep = get_user_model().objects.get(username="bench_rep00")
    manager = get_user_model().objects.filter(groups__name="sales_manager").first()
    customer = Customer.objects.filter(owner=rep, deleted_at__isnull=True).order_by("-id").first()
    print(f"customers: {Customer.objects.count():,}  database: {connection.vendor}")
    cases = [
        ("list, default (name A-Z)", rep, "/customers/", None),
        ("list, search+filter+sort", rep, "/customers/", {"q": "阀门", "size": "medium", "ordering": "-completeness"}),
        ("list, owner+stale+sort", rep, "/customers/", {"owner": "bench_rep00", "stale": "1", "ordering": "review"}),
        ("list, contact-name search (2 chars)", rep, "/customers/", {"q": "王伟"}),
        ("list, name search (Latin, 3+ chars)", rep, "/customers/", {"q": "golden flow"}),
        ("list, name search (Chinese, 4 chars)", rep, "/customers/", {"q": "精工阀门"}),
        ("list, code fragment search", rep, "/customers/", {"q": "184"}),
        ("list, last page", rep, "/customers/", {"cursor": "last"}),
        ("dossier page (owner)", rep, f"/customers/{customer.code}/", None),
    ]
    if manager:
        cases.append(("dossier page (manager, logged)", manager, f"/customers/{customer.code}/", None))
    print(f"{'page':<40}{'median ms':>10}{'queries':>9}{'bytes':>9}")
    for label, user, url, params in cases:
        client = Client()
        client.force_login(user)
        median, queries, size = _setup.median_get(client, [(url, params)] * RUNS)
        print(f"{label:<40}{median:>10.1f}{queries:>9}{size:>9}")


if __name__ == "__main__":
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        main()
