"""Policy preview (issue 13: < 3 s over 100,000 customers): a draft raising the tier A threshold and tightening
the 乙 ratio, compared with the policy in force over every live customer, through the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench100k_pf python benchmarks/bench_policy_preview.py
"""

import statistics
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from crm import roles

DRAFT = {"tier_a_threshold": "400000.00", "yi_on_time_ratio": "0.90"}


def main(runs: int = 5) -> None:
    user = get_user_model().objects.filter(groups__name=roles.CREDIT_MANAGER).first()
    if user is None:
        raise SystemExit("No credit manager on this database.")
    client = APIClient()
    client.force_authenticate(user)
    timings, body = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post("/api/v1/credit-policy/preview/", DRAFT, format="json")
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"preview answered {response.status_code}: {response.content[:200]!r}")
        body = response.json()
    moved = sum(m["customers"] for m in body["changes"]["tier"] if m["from"] != m["to"])
    print(
        f"policy preview over {body['customers']:,} customers: median {statistics.median(timings):.2f} s "
        f"(min {min(timings):.2f}, max {max(timings):.2f}); {moved:,} change tier, "
        f"{body['customers_losing_credit_count']:,} lose credit"
    )


if __name__ == "__main__":
    main()
