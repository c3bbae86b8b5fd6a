"""Demo data: a user per role and ~300 realistic customers (idempotent: a second run adds nothing)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from analytics.services import segmentation_compute
from archives.demo import seed_archives
from credit.demo import seed_trade
from crm import roles
from crm.access import CUSTOMER_SERVICE_INTERACTION_KINDS
from customers import services
from customers.demo import seed_behaviour
from customers.models import Customer, Kind, Nature, Size
from customers.policy import review_policy
from customers.rules.uscc import CHARSET, uscc_check_character
from demo.interactions import INTERACTION_TEXTS
from demo.places import Place, demo_place

DEMO_PASSWORD = "demo1234"
DEMO_USERS = [
    # username, full name, role
    ("sales1", "王磊", roles.SALES),
    ("sales2", "Emily Chen", roles.SALES),
    ("sales3", "李娜", roles.SALES),
    ("manager", "张伟", roles.SALES_MANAGER),
    ("service", "刘洋", roles.CUSTOMER_SERVICE),
    ("analyst", "陈静", roles.CREDIT_ANALYST),
    ("creditmgr", "赵敏", roles.CREDIT_MANAGER),
    ("creditmgr2", "周强", roles.CREDIT_MANAGER),
    ("archivist", "孙丽", roles.ARCHIVIST),
    ("erp-sync", "ERP sync", roles.INTEGRATION),
]
CUSTOMER_COUNT = 300
# The words of a dossier in the customer's language: "zh" for customers in China, "en" for those abroad.
INDUSTRIES = {
    "zh": ["石油化工", "电力", "水务", "冶金", "造船", "制药", "暖通空调"],
    "en": ["Chemicals", "Water utilities", "HVAC", "Mining", "Pharma", "Oil and gas"],
}
PRODUCT_LINES = {
    "zh": ["闸阀", "球阀", "蝶阀", "截止阀", "安全阀"],
    "en": ["Gate valves", "Ball valves", "Butterfly valves", "Globe valves", "Safety valves"],
}
WORDS = {
    "zh": {
        "personality": ["务实, 重视长期合作", "谨慎, 注重质量", "爽快, 决策快"],
        "interests": ["高尔夫", "茶道", "钓鱼", "书法", "羽毛球"],
        "education": ["本科", "硕士", "MBA", "大专"],
        "sales_capability": ["强, 覆盖全省", "中等, 有两个分公司", "弱, 只做本地"],
        "development_potential": ["高", "中", "低"],
        "cooperation": ["合作稳定", "新客户, 刚开始下单", "偶有拖欠"],
        "financial_status": ["良好", "一般", "负债率低, 现金充足"],
        "credit_status": ["良好", "有逾期记录", "银行授信充足"],
        "titles": ["采购经理", "总经理", "财务总监", "设备部主任", "技术工程师"],
    },
    "en": {
        "personality": ["Detail-oriented, negotiates hard", "Pragmatic, values long relationships", "Decides fast"],
        "interests": ["Golf", "Cycling", "Football", "Sailing", "Fishing"],
        "education": ["BSc Engineering", "MBA", "MSc", "Trade apprenticeship"],
        "sales_capability": ["Strong, nationwide", "Medium, two branches", "Weak, local only"],
        "development_potential": ["High", "Medium", "Low"],
        "cooperation": ["Stable partnership", "New account, first orders", "Occasionally pays late"],
        "financial_status": ["Sound, low leverage", "Average", "Strong cash position"],
        "credit_status": ["Good", "Some late payments", "Good bank lines"],
        "titles": ["Purchasing manager", "Managing director", "Finance director", "Maintenance manager", "Engineer"],
    },
}


def demo_uscc(rng: random.Random) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(CHARSET) for _ in range(9))
    return body + uscc_check_character(body)


class Command(BaseCommand):
    help = "Create demo users for every role and ~300 demo customers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=CUSTOMER_COUNT, help="how many demo customers to keep")

    def handle(self, *args, **options):
        users = self._users()
        created = self._customers(users, options["customers"])
        demo = list(Customer.objects.filter(external_id__startswith="DEMO-").order_by("pk"))
        traded = seed_trade(customers=demo, users=users, today=timezone.localdate())
        originals = seed_archives(customers=demo, users=users, today=timezone.localdate())
        behaving = seed_behaviour(customers=demo, users=users, today=timezone.localdate())
        run = segmentation_compute(today=timezone.localdate())  # the nightly job's result, for the demo at once
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} users, {created} new customers, "
                f"orders and payments for {traded} customers, {originals} new archive originals, "
                f"promotion responses and complaints for {behaving} customers, {run.customers} customers segmented."
            )
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, full_name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {roles.ROLE_LABELS[role]!s:<28} {full_name}")
        self.stdout.write(f"  {'admin':<12} {'Superuser (Django admin)':<28}")

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        for username, full_name, role in DEMO_USERS:
            # Chinese names are written family name first with no space: keep them whole in first_name,
            # so get_full_name() shows 王磊 and not "磊 王".
            first, _, last = full_name.partition(" ")
            user, made = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"}
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        admin, made = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
        )
        if made:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        return users

    def _customers(self, users: dict, count: int) -> int:
        existing = set(Customer.objects.filter(external_id__startswith="DEMO-").values_list("external_id", flat=True))
        owners = [users["sales1"], users["sales2"], users["sales3"], users["manager"]]
        today = timezone.localdate()
        created = 0
        for index in range(1, count + 1):
            external_id = f"DEMO-{index:04d}"
            if external_id in existing:
                continue
            rng = random.Random(index)
            with transaction.atomic():
                self._customer(rng, external_id, owners[index % len(owners)], users, today)
            created += 1
        return created

    def _customer(self, rng: random.Random, external_id: str, owner, users: dict, today) -> None:
        place = demo_place(rng)
        fake = place.fake
        language = "zh" if place.chinese else "en"
        kind = Kind.END if rng.random() < 0.2 else Kind.INTERMEDIATE
        values = {
            "name": fake.name() if kind == Kind.END else place.company_name(rng),
            "kind": kind,
            "nature": Nature.INDIVIDUAL
            if kind == Kind.END
            else rng.choice([n for n in Nature.values if n != "individual"]),
            "size": Size.SMALL if kind == Kind.END else rng.choice(Size.values),
            "region": place.region,
            "industry": "" if kind == Kind.END else rng.choice(INDUSTRIES[language]),
            "phone": place.phone,
            "email": fake.company_email() if rng.random() < 0.8 else "",
            "address": place.address if rng.random() < 0.9 else "",
            # a unified social credit code is Chinese: companies abroad have none
            "unified_social_credit_code": demo_uscc(rng)
            if place.chinese and kind == Kind.INTERMEDIATE and rng.random() < 0.85
            else "",
            "payment_terms_days": rng.choice([0, 30, 30, 45, 60, 90]),
            "expected_monthly_purchases": Decimal(rng.randrange(5, 400) * 1000),
        }
        sections = self._sections(rng, place, kind, today)
        customer = services.customer_create(
            by=users["manager"], owner=owner, values=values, sections=sections, external_id=external_id, today=today
        )
        self._people_and_records(rng, place, customer, owner, users, today)

    def _sections(self, rng: random.Random, place: Place, kind: str, today) -> dict:
        fake, words = place.fake, WORDS["zh" if place.chinese else "en"]

        def maybe(text):
            return text if rng.random() < 0.75 else ""

        basic = {
            "postcode": place.postcode,
            "legal_representative": maybe(fake.name()),
            "owner_names": maybe(fake.name()),
            "manager_names": maybe(fake.name()),
            "personality": maybe(rng.choice(words["personality"])),
            "interests": maybe(rng.choice(words["interests"])),
            "education": maybe(rng.choice(words["education"])),
            "relationship_since": today - timedelta(days=rng.randrange(30, 3650)) if rng.random() < 0.8 else None,
            "business_types": maybe(rng.choice(PRODUCT_LINES["zh" if place.chinese else "en"])),
        }
        if kind == Kind.END:
            basic.update(
                gender=rng.choice(["female", "male"]),
                occupation=maybe(fake.job()),
                birth_date=today - timedelta(days=rng.randrange(25 * 365, 65 * 365)),
            )
        return {
            "basic": basic,
            "characteristics": {
                "market_area": maybe(place.region),
                "sales_capability": maybe(rng.choice(words["sales_capability"])),
                "development_potential": maybe(rng.choice(words["development_potential"])),
                "regional_culture": maybe("重视人情往来") if kind == Kind.END and place.chinese else "",
            },
            "sales_status": {
                "sales_performance": maybe(
                    f"年销售额约 {rng.randrange(1, 50)} 千万元"
                    if place.chinese
                    else f"Annual sales about {rng.randrange(2, 80)} million"
                ),
                "cooperation": maybe(rng.choice(words["cooperation"])),
                "competitors_nearby": maybe("附近有两家同类供应商" if place.chinese else "Two similar suppliers nearby")
                if kind == Kind.END
                else "",
            },
            "operating_status": {
                "financial_status": maybe(rng.choice(words["financial_status"])),
                "credit_status": maybe(rng.choice(words["credit_status"])),
            },
        }

    def _people_and_records(self, rng: random.Random, place: Place, customer, owner, users: dict, today) -> None:
        """Contacts, customer-card records and a past review, each through its service like any other write."""
        fake, language = place.fake, "zh" if place.chinese else "en"
        for _ in range(rng.choice([0, 1, 2, 2, 3])):
            birthday = today - timedelta(days=rng.randrange(25 * 365, 60 * 365)) if rng.random() < 0.6 else None
            contact = {
                "name": fake.name(),
                "title": rng.choice(WORDS[language]["titles"]),
                "phone": place.phone if rng.random() < 0.3 else fake.phone_number(),
                "email": fake.email(),
                "birthday": birthday,
            }
            services.contact_save(customer=customer, values=contact, by=owner)
        for _ in range(rng.randrange(0, 6)):
            author = rng.choice([owner, users["service"]])
            kinds = INTERACTION_TEXTS if author == owner else sorted(CUSTOMER_SERVICE_INTERACTION_KINDS)
            kind = rng.choice(sorted(kinds))
            subject, details = rng.choice(INTERACTION_TEXTS[kind][language])
            services.interaction_record(
                customer=customer,
                kind=kind,
                occurred_on=today - timedelta(days=rng.randrange(0, 400)),
                subject=subject,
                details=details,
                by=author,
                today=today,
            )
        # a past review: the next one falls due by the credit policy (DOMAIN §7)
        reviewed = today - timedelta(days=rng.randrange(0, 240))
        services.dossier_review_record(
            customer=customer, sections=["basic"], notes="", by=owner, today=reviewed, policy=review_policy()
        )
