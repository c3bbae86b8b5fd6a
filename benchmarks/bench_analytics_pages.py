"""Issue 11: every analysis page (DOMAIN §10.1–§10.7) as the browser gets it, for a sales manager (every customer)
and a sales rep (own customers): median of ``--runs`` requests through Django's test client after one warm-up, the
queries of the last one and the page's size. A manager's default views read the nightly snapshots
(``report-snapshots``, ``correlation-snapshot``, ``segmentation``, ``monthly-sales``): run those jobs first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench1m .venv/bin/python benchmarks/bench_analytics_pages.py \\
        [--runs 7] [--user bench_manager --user bench_rep00]
"""

import argparse

import _setup
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

PAGES = (
    ("composition, tier × grade", "/analytics/composition/", {"by": "tier_grade"}),
    ("composition, region", "/analytics/composition/", {"by": "region"}),
    ("statistics (Pareto)", "/analytics/pareto/", {}),
    ("trend, by tier", "/analytics/trend/", {"by": "tier"}),
    ("correlation", "/analytics/correlation/", {}),
    ("segments", "/analytics/segments/", {}),
    ("behaviour: products", "/analytics/behaviour/", {"topic": "products"}),
    ("behaviour: retention", "/analytics/behaviour/", {"topic": "retention"}),
    ("behaviour: feedback", "/analytics/behaviour/", {"topic": "feedback"}),
    ("behaviour: response", "/analytics/behaviour/", {"topic": "response"}),
    ("behaviour: promotions", "/analytics/behaviour/", {"topic": "promotions"}),
    ("ageing, by owner", "/analytics/ageing/", {"group": "owner"}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", action="append", default=None)
    args = parser.parse_args()
    setup_test_environment()
    print(f"{'page':34}{'user':>16}{'median ms':>11}{'queries':>9}{'bytes':>9}")
    for username in args.user or ["bench_manager", "bench_rep00"]:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for label, url, params in PAGES:
            median, queries, size = _setup.median_get(client, [(url, params)] * args.runs, label=label)
            print(f"{label:34}{username:>16}{median:11.1f}{queries:9}{size:9,}", flush=True)


if __name__ == "__main__":
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        main()
