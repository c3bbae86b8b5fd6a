"""Duplicate suggestions (DOMAIN §2.3, issue 12: < 50 ms for one new name at 1M customers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_duplicates.py [--names 50]

Needs customers first (benchmarks/generate_customers.py, which stores each name's key as the write path does).
Times ``customers.selectors.duplicate_suspects`` for new names spelt like stored ones (another legal form,
traditional characters, an English spelling) and for unknown names, as a sales manager and as a rep: the median and
the worst of ``--names`` calls each; then ``duplicate_suspects_many`` for 5,000 names (an import's dry run) and the
first page of the possible-duplicates list.
"""

import argparse
import random
import statistics
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from opencc import OpenCC

from customers import selectors
from customers.models import Customer

_S2T = OpenCC("s2t")


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _spellings(rng: random.Random, count: int) -> list[str]:
    stored = list(Customer.objects.filter(kind="intermediate").order_by("?").values_list("name", flat=True)[:count])
    spelt = [_S2T.convert(name.replace("股份有限公司", "有限公司")) for name in stored]
    unknown = [f"{rng.choice('甲乙丙丁戊己')}{rng.randrange(10**6)}新材料科技有限公司" for _ in range(count)]
    return spelt + unknown


def _report(label: str, timings: list[float]) -> None:
    print(f"{label:<52} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(12)
    total = Customer.objects.count()
    users = get_user_model().objects
    manager, _made = users.get_or_create(username="bench_dedupe_manager")
    manager.groups.add(Group.objects.get(name="sales_manager"))
    rep = users.filter(groups__name="sales").first()
    names = _spellings(rng, args.names)
    print(f"{total:,} customers on {connection.vendor}")
    for label, user in (("sales manager", manager), ("sales rep", rep)):
        if user is None:
            continue
        selectors.duplicate_suspects(user=user, name=names[0])  # warm-up
        _report(
            f"one name, {label}",
            [_timed(lambda n=n, u=user: selectors.duplicate_suspects(user=u, name=n)) for n in names],
        )
    many = [rng.choice(names) for _ in range(5000)]
    _report("5,000 names at once (dry run), full view", [_timed(lambda: selectors.duplicate_suspects_many(names=many))])
    pairs = selectors.duplicate_pairs(user=manager).order_by("name_key", "id")[:50]
    _report("possible duplicates, first page of 50", [_timed(lambda: selectors.duplicate_pair_rows(pairs=pairs))])


if __name__ == "__main__":
    main()
