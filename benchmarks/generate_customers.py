"""Generate N realistic customers with sections, contacts, interactions and history, set-based.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python benchmarks/generate_customers.py 100000

Migrates the database first. Adds N customers on top of what is there.
"""

import random
import sys
import time
from datetime import date, timedelta

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from crm.services import number_sequence_take
from customers.models import (
    BasicSection,
    ChangeRecord,
    CharacteristicsSection,
    Contact,
    Customer,
    Interaction,
    OperatingStatusSection,
    ReviewState,
    SalesStatusSection,
)
from customers.rules.names import name_key
from customers.services import customer_code

CITIES = ["杭州", "宁波", "温州", "上海", "苏州", "无锡", "南京", "天津", "大连", "青岛", "Shenzhen", "Wuhan"]
WORDS = ["精工", "海天", "远大", "华通", "恒力", "Pacific", "Golden", "Delta", "长城", "东方", "Valve", "Flow"]
TRADES = ["阀门", "管道", "流体设备", "机电", "Trading", "Engineering", "石化设备", "水务工程"]
SUFFIX = ["有限公司", "股份有限公司", "贸易有限公司", "Co., Ltd.", "Group"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
BATCH = 5_000


def reps(count: int = 20) -> list:
    User = get_user_model()
    group = Group.objects.get(name="sales")
    users = []
    for index in range(count):
        user, made = User.objects.get_or_create(username=f"bench_rep{index:02d}")
        if made:
            user.set_password("bench-pass-1")
            user.save()
            user.groups.add(group)
        users.append(user)
    return users


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def build_batch(rng: random.Random, numbers: range, owners: list, today: date):
    now = timezone.now()
    customers = []
    for number in numbers:
        kind = "end" if rng.random() < 0.2 else "intermediate"
        company = rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIX)
        name = person(rng) if kind == "end" else company
        customers.append(
            Customer(
                code=customer_code(number),
                name=name,
                name_key=name_key(name),  # as the write path sets it (DOMAIN §2.3)
                kind=kind,
                size=rng.choice(["small", "medium", "large"]),
                nature="individual" if kind == "end" else rng.choice(["company", "government", "partner", "special"]),
                owner=rng.choice(owners),
                region=rng.choice(CITIES),
                industry=rng.choice(TRADES),
                phone=f"0571-{rng.randrange(10**7, 10**8)}",
                completeness=rng.randrange(10, 101),
                created_at=now,
                updated_at=now,
            )
        )
    return customers


def review_state(rng: random.Random, customer: Customer, today: date) -> ReviewState:
    due = today + timedelta(days=rng.randrange(-90, 180))
    return ReviewState(customer=customer, next_review_due=due, is_stale=due < today)


def generate(total: int) -> None:
    call_command("migrate", verbosity=0)
    owners, rng, today = reps(), random.Random(total), timezone.localdate()
    numbers = number_sequence_take(name="customer", count=total)
    started = time.perf_counter()
    for offset in range(0, total, BATCH):
        with transaction.atomic():
            batch = Customer.objects.bulk_create(build_batch(rng, numbers[offset : offset + BATCH], owners, today))
            for model in (BasicSection, CharacteristicsSection, SalesStatusSection, OperatingStatusSection):
                model.objects.bulk_create(model(customer=c) for c in batch)
            ReviewState.objects.bulk_create(review_state(rng, c, today) for c in batch)
            Contact.objects.bulk_create(
                Contact(customer=c, name=person(rng), title=rng.choice(["采购经理", "总经理", "财务"]))
                for c in batch
                for _ in range(rng.choice([1, 1, 2]))
            )
            Interaction.objects.bulk_create(
                Interaction(
                    customer=c,
                    kind="visit_report",
                    occurred_on=today - timedelta(days=rng.randrange(400)),
                    subject="拜访",
                    author=c.owner,
                )
                for c in batch
                for _ in range(2)
            )
            ChangeRecord.objects.bulk_create(
                ChangeRecord(customer=c, by=c.owner, section="basic", field=f, old="", new=getattr(c, f))
                for c in batch
                for f in ("name", "phone", "region")
            )
        print(f"  {offset + len(batch):>9,} customers  {time.perf_counter() - started:6.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would: fresh visibility map and statistics


if __name__ == "__main__":
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(f"customers in database: {Customer.objects.count():,}")
