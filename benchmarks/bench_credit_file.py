"""The credit file PDF (issue 13 point 5: < 2 s): median time to download it over Django's stack, in English and
in Chinese, for the customers of the database with the most orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm python benchmarks/bench_credit_file.py [customers]

Run `manage.py seed_demo` on that database first (or use a benchmark database); needs fonts-noto-cjk.
"""

import sys
import time

import _setup
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from crm import roles
from customers.models import Customer


def main(count: int) -> None:
    user = get_user_model().objects.filter(groups__name=roles.CREDIT_MANAGER).first()
    if user is None:
        raise SystemExit("No credit manager: run manage.py seed_demo on this database first.")
    client = Client()
    client.force_login(user)
    codes = list(Customer.objects.annotate(n=Count("orders")).order_by("-n").values_list("code", flat=True)[:count])
    for language in ("en", "zh-hans"):
        requests = [(f"/api/v1/customers/{code}/credit-file/", {}) for code in codes]
        started = time.perf_counter()
        median, queries, size = _setup.median_get(
            _Language(client, language), requests, label=f"credit file ({language})"
        )
        total = time.perf_counter() - started
        print(f"credit file {language:8} median {median:7.1f} ms  ({queries} queries, {size / 1024:.0f} KiB, "
              f"{len(codes) + 2} downloads in {total:.1f} s)")  # fmt: skip


class _Language:
    """The test client with an Accept-Language header on every GET."""

    def __init__(self, client: Client, language: str):
        self.client, self.language = client, language

    def get(self, url, params=None):
        return self.client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE=self.language)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
