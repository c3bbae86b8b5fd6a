"""Duplicate suggestions (DOMAIN §2.3, issue 12: < 50 ms for one new name at 1M customers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/bench_duplicates.py [--names 50]

Needs customers first (benchmarks/generate_customers.py, which stores each name's key as the write path does);
``--customers 1000000`` tops the table up to that many with set-based SQL (benchmark tooling, not the services: names
from a city, two characters, a trade and a legal form, about six dossiers per normalised name) and fills their keys
with the data migration's own batched function, timing it.
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


def _top_up(total: int) -> None:
    """Insert customers up to ``total`` in one statement, then key them as migration 0009 does."""
    from importlib import import_module

    from django.apps import apps

    missing = total - Customer.objects.count()
    if missing <= 0:
        return
    owner = get_user_model().objects.filter(groups__name="sales").values_list("pk", flat=True).first()
    start = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute(TOP_UP, [owner, missing])
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), max(id)) FROM customers_customer"
        )
    fill = import_module("customers.migrations.0009_customer_name_key_and_merged_into").fill_name_keys
    started = time.perf_counter()
    Customer.objects.filter(pk__gt=start).update(name_key="")
    fill(apps, None)
    print(f"topped up {missing:,} customers; migration 0009 keyed the table in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE customers_customer")


# Generated rows: code B<serial>, names from parts chosen by the serial (deterministic), keys filled afterwards.
TOP_UP = """
INSERT INTO customers_customer (code, name, name_key, kind, nature, size, owner_id, unified_social_credit_code,
  region, industry, phone, email, address, payment_terms_days, completeness, version, created_at, updated_at)
SELECT 'B' || lpad(g::text, 7, '0'),
  (ARRAY['杭州','宁波','温州','上海','苏州','无锡','南京','天津','大连','青岛','深圳','武汉'])[1 + g %% 12]
  || substr('精海远华恒长东方金鑫隆泰盛达宏兴福瑞安康永昌明光新源丰德正信和美佳利', 1 + (g / 12) %% 40, 1)
  || substr('工通力大城宇业发峰川嘉诚邦顺裕祥鸿晟荣锦腾飞博创汇聚天元宝辉凯旭亿航', 1 + (g / 480) %% 40, 1)
  || (ARRAY['阀门','管道','流体设备','机电','贸易','工程','石化设备','水务工程'])[1 + (g / 19200) %% 8]
  || (ARRAY['有限公司','股份有限公司','集团有限公司','有限责任公司'])[1 + g %% 4],
  '', 'intermediate', 'company', 'small', %s, '',
  (ARRAY['浙江','上海','江苏','天津','辽宁','山东','广东','湖北'])[1 + g %% 8], '', '0571-' || (10000000 + g), '', '',
  30, 50, 1, now(), now()
FROM generate_series(1, %s) AS g
"""


def _report(label: str, timings: list[float]) -> None:
    print(f"{label:<52} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=50)
    parser.add_argument("--customers", type=int, default=0, help="top the table up to this many customers first")
    args = parser.parse_args()
    _top_up(args.customers)
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
