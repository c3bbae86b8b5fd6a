"""The rows of the benchmark portfolio (generate_portfolio.py), as COPY text lines; no Django, no database.

One pass over the customers, each with everything that hangs off it (sections, contacts, records, orders with
their lines and payments, limits, credit profile), so that memory holds one chunk of customers at a time. A chunk
has its own random stream (seed and chunk number), so several processes can generate chunks side by side and the
rows stay the same whatever their number. Customer ids are the customer numbers, order ids follow from the orders
per customer drawn up front, a limit request and its limit take the customer's number (one at most each); the
other tables get their ids from the database in the order the chunks are copied. Everything follows from the seed
and ``today``.

The credit profile is the app's own rule (``credit.rules.profile.compute_profile``) on the generated ledger, so
the stored tiers and grades are what the nightly recompute would store. Every payment names its order and never
pays more than it, so the allocation of DOMAIN §4 is the one this file has in mind.
"""

import bisect
import json
import random
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from credit.rules.grade import PaymentIn
from credit.rules.policy import CreditPolicy
from credit.rules.profile import OrderRow, ProfileInputs, compute_profile
from customers.rules.completeness import completeness
from customers.rules.credit_reports import credit_report_expires_on
from customers.rules.names import name_key
from customers.rules.uscc import CHARSET, uscc_check_character

VERSION = 2  # raise when the rows change: a database built by another version is rebuilt, not reused
NULL = "\\N"
HISTORY_DAYS = 790  # orders over the last 26 months
# order intensity by calendar month: the Spring Festival dip, spring and autumn building seasons, a year-end push
SEASON = {1: 0.8, 2: 0.45, 3: 1.15, 4: 1.2, 5: 1.1, 6: 1.0, 7: 0.85, 8: 0.8, 9: 1.15, 10: 1.0, 11: 1.25, 12: 1.35}
PROMOTIONS = (  # (days before today it started, length in days, intensity, name): each makes a spike
    (700, 14, 3.0, "春季订货会 spring fair"),
    (420, 10, 3.5, "双十一 valve promotion"),
    (250, 14, 2.5, "年中大促 mid-year promotion"),
    (60, 10, 3.0, "双十一 valve promotion"),
)

REGIONS = (
    ("330100", "浙江 杭州"), ("330200", "浙江 宁波"), ("330300", "浙江 温州"), ("310100", "上海"),
    ("320500", "江苏 苏州"), ("320200", "江苏 无锡"), ("320100", "江苏 南京"), ("120100", "天津"),
    ("210200", "辽宁 大连"), ("370200", "山东 青岛"), ("440300", "广东 深圳"), ("440100", "广东 广州"),
    ("420100", "湖北 武汉"), ("510100", "四川 成都"), ("500100", "重庆"), ("610100", "陕西 西安"),
    ("110100", "北京"), ("130100", "河北 石家庄"), ("410100", "河南 郑州"), ("430100", "湖南 长沙"),
    ("350200", "福建 厦门"), ("340100", "安徽 合肥"), ("360100", "江西 南昌"), ("650100", "新疆 乌鲁木齐"),
)  # fmt: skip
INDUSTRIES = (
    "石油化工", "水务工程", "电力", "冶金", "制药", "食品饮料", "暖通空调", "船舶", "市政燃气",
    "造纸", "矿业", "Engineering contractor", "Valve distribution", "Pipeline trading",
)  # fmt: skip
WORDS = ("精工", "海天", "远大", "华通", "恒力", "长城", "东方", "中联", "宏达", "金泰", "Pacific", "Golden", "Delta")
TRADES = ("阀门", "管道", "流体设备", "机电", "石化设备", "水务工程", "Trading", "Engineering", "Flow Control")
SUFFIX = ("有限公司", "股份有限公司", "贸易有限公司", "Co., Ltd.", "Group")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
TITLES = ("采购经理", "总经理", "财务经理", "技术主管", "仓库主管", "项目经理", "Purchasing manager")
VISIT_SUBJECTS = ("季度拜访", "新品介绍", "Quarterly visit", "合同洽谈", "回款沟通", "现场技术交流")
COMPLAINTS = ("投诉: 交期延误", "投诉: 阀门泄漏", "Complaint: wrong flange rating", "投诉: 包装破损")
FEEDBACK = ("Quality issue on DN100 valves", "密封面磨损反馈", "执行器响应慢")
PRODUCT_KINDS = (  # name, model prefix, base unit price in yuan
    ("闸阀", "Z41H", 900), ("截止阀", "J41H", 700), ("球阀", "Q41F", 600), ("蝶阀", "D341X", 1_500),
    ("止回阀", "H44H", 500), ("调节阀", "ZDLP", 6_500), ("安全阀", "A42Y", 1_200), ("减压阀", "Y43H", 2_000),
    ("电动球阀", "Q941F", 3_800), ("气动蝶阀", "D671X", 4_200),
)  # fmt: skip
SIZES = (("DN50", 0.6), ("DN80", 0.8), ("DN100", 1.0), ("DN150", 1.6), ("DN200", 2.4))
COMPANY_SECTIONS = (  # (table, section, share of companies that filled it in, {field: the values it takes})
    (
        "customers_characteristicssection",
        "characteristics",
        0.5,
        {
            "market_area": tuple(region for _code, region in REGIONS),
            "sales_capability": ("强", "中等", "弱", "Strong regional network"),
            "development_potential": ("高", "一般", "有限"),
        },
    ),
    (
        "customers_salesstatussection",
        "sales_status",
        0.4,
        {
            "sales_performance": ("稳定增长", "持平", "下滑", "Growing"),
            "cooperation": ("良好", "一般", "Long-term partner"),
        },
    ),
    (
        "customers_operatingstatussection",
        "operating_status",
        0.4,
        {"financial_status": ("良好", "一般", "紧张"), "credit_status": ("良好", "一般", "有逾期")},
    ),
)
REVIEW_SECTIONS = '["basic", "characteristics", "sales_status", "operating_status", "credit_data", "contacts"]'


def products() -> list[tuple[str, str, int]]:
    """The catalogue: 50 products (10 valve kinds × 5 nominal sizes) as (name, model, unit price in cents)."""
    return [
        (f"{name} {size}", f"{prefix}-16C {size}", int(price * factor) * 100)
        for name, prefix, price in PRODUCT_KINDS
        for size, factor in SIZES
    ]


# The column order of each table's COPY; the loader adds the model's other NOT NULL columns as constants.
COLUMNS = {
    "customers_customer": (
        "id", "code", "external_id", "name", "name_key", "kind", "nature", "size", "owner_id",
        "unified_social_credit_code", "region", "industry", "phone", "email", "address", "payment_terms_days",
        "expected_monthly_purchases", "completeness", "last_reviewed_on", "version", "created_at", "created_by_id",
        "updated_at", "deleted_at", "deleted_by_id",
    ),
    "customers_basicsection": (
        "customer_id", "legal_representative", "owner_names", "relationship_since", "business_types", "gender",
        "birth_date", "occupation", "education", "postcode",
    ),
    **{table: ("customer_id", *fields) for table, _section, _share, fields in COMPANY_SECTIONS},
    "customers_contact": ("customer_id", "name", "title", "mobile", "birthday", "created_at"),
    "customers_interaction": ("customer_id", "kind", "occurred_on", "subject", "details", "author_id",
                              "created_at"),
    "customers_changerecord": ("customer_id", "at", "by_id", "section", "field", "old", "new"),
    "customers_review": ("customer_id", "reviewed_on", "reviewed_at", "reviewed_by_id", "sections", "notes"),
    "customers_financialfigure": ("customer_id", "metric", "value", "as_of", "source", "recorded_at",
                                  "recorded_by_id"),
    "customers_creditdocument": ("customer_id", "doc_type", "title", "source", "obtained_on", "issued_on",
                                 "valid_until", "added_at", "added_by_id"),
    "credit_order": ("id", "customer_id", "number", "order_date", "due_date", "prepaid", "amount", "status",
                     "credit_check", "created_by_id", "created_at", "decided_by_id", "decided_at"),
    "credit_orderline": ("order_id", "product", "model", "quantity", "unit_price", "amount"),
    "credit_payment": ("customer_id", "external_id", "paid_on", "amount", "order_id", "created_by_id",
                       "created_at"),
    "credit_creditlimitrequest": ("id", "customer_id", "amount", "payment_terms_days", "reason", "status",
                                  "recommended_limit", "requested_by_id", "requested_at", "approved_amount",
                                  "decided_by_id", "decided_at", "note", "basis"),
    "credit_creditlimit": ("id", "customer_id", "amount", "payment_terms_days", "valid_from", "valid_until",
                           "request_id", "created_at"),
    "credit_creditprofile": (
        "customer_id", "tier", "trailing_12m_purchases", "is_core", "computed_grade", "payment_grade",
        "on_time_ratio", "max_days_late", "score", "risk_class", "recommended_limit", "investigation_required",
        "credit_limit", "limit_valid_until", "exposure", "available_credit", "sales_policy", "recovery_flagged",
        "reasons", "computed_core", "core_pinned", "time_class", "process_class", "volume_class", "computed_on",
    ),
    "credit_credithistory": ("customer_id", "on", "tier", "payment_grade"),
}  # fmt: skip
# Tables whose rows reference a row of the same chunk: loaded in this order.
TABLES = tuple(COLUMNS)


@dataclass(frozen=True, slots=True)
class Staff:
    """The users the rows refer to (ids): reps own customers; the others author records and decisions."""

    reps: tuple[tuple[int, str], ...]  # (id, username)
    manager: int
    service: int
    analyst: int
    credit_manager: int
    integration: int


@dataclass(frozen=True, slots=True)
class Scale:
    customers: int
    orders: int
    seed: int
    today: date


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def cents(amount: Decimal | None) -> int:
    return 0 if amount is None else int(amount * 100)


def text(value: object) -> str:
    """A value as COPY text: NULL, booleans, dates, decimals; generated text has no tab, newline or backslash."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def line(values: tuple | list) -> str:
    return "\t".join(values) + "\n"


def uscc(number: int, region_code: str) -> str:
    """A valid, unique unified social credit code for customer ``number`` (GB 32100-2015 check character)."""
    body, digits = [], number
    for _ in range(9):
        digits, rest = divmod(digits, 31)
        body.append(CHARSET[rest])
    first17 = "91" + region_code + "".join(reversed(body))
    return first17 + uscc_check_character(first17)


@dataclass(slots=True)
class Chunk:
    """The COPY lines of one chunk of customers, per table."""

    index: int
    lines: dict[str, list[str]] = field(default_factory=lambda: {table: [] for table in TABLES})
    customers: int = 0

    def add(self, table: str, values: tuple | list) -> None:
        self.lines[table].append(line(values))


def encode(chunk: Chunk, tails: dict[str, str]) -> dict[str, tuple[int, bytes]]:
    """The chunk as COPY input per table: (rows, UTF-8 text), each line ending with the table's constant tail."""
    result = {}
    for table, lines in chunk.lines.items():
        if lines:
            tail = tails.get(table, "")
            body = "".join(lines) if not tail else "".join(text[:-1] + tail + "\n" for text in lines)
            result[table] = (len(lines), body.encode())
    return result


class Calendar:
    """Order dates over the history window, weighted by season, promotions and a slow growth."""

    def __init__(self, today: date):
        self.first = today.toordinal() - HISTORY_DAYS + 1
        self.today = today.toordinal()
        weights = []
        for day in range(self.first, self.today + 1):
            d = date.fromordinal(day)
            weight = SEASON[d.month] * (0.85 + 0.3 * (day - self.first) / HISTORY_DAYS)
            weight *= 0.35 if d.weekday() == 6 else 1.0
            for start, length, intensity, _name in PROMOTIONS:
                if self.today - start <= day < self.today - start + length:
                    weight *= intensity
            weights.append(weight)
        self.cumulative = [0.0]
        for weight in weights:
            self.cumulative.append(self.cumulative[-1] + weight)
        self.iso = {day: date.fromordinal(day).isoformat() for day in range(self.today - 70 * 366, self.today + 800)}

    def mass_at(self, day: int) -> float:
        return self.cumulative[min(max(day - self.first, 0), len(self.cumulative) - 1)]

    def draw(self, rng: random.Random, low: float, high: float) -> int:
        """An order day whose weight mass lies in [low, high)."""
        index = bisect.bisect_right(self.cumulative, low + rng.random() * (high - low)) - 1
        return self.first + min(index, len(self.cumulative) - 2)

    def promotion_on(self, day: int) -> str | None:
        for start, length, _intensity, name in PROMOTIONS:
            if self.today - start <= day < self.today - start + length:
                return name
        return None


@dataclass(slots=True)
class Buyer:
    """What one customer looks like to the order generator."""

    weight: float  # share of the orders
    payer: str  # good | fair | poor | defaulter
    scale: int  # quantity multiplier by size
    churned: bool  # no orders in the last 13 months


def order_counts(rng: random.Random, customers: int, orders: int) -> array:
    """Orders per customer, exactly ``orders`` in all: a long tail (lognormal), some customers none at all."""
    weights = array("d", (0.0 if rng.random() < 0.07 else rng.lognormvariate(0.0, 1.1) for _ in range(customers)))
    total = sum(weights) or 1.0
    counts, running, taken = array("l"), 0.0, 0
    for weight in weights:
        running += weight * orders / total
        now = min(int(running + 0.5), orders)
        counts.append(now - taken)
        taken = now
    counts[-1] += orders - taken
    return counts


class Portfolio:
    """Generates the chunks; one instance per run, not thread-safe."""

    def __init__(self, scale: Scale, staff: Staff, policy: CreditPolicy, required: dict[str, list[str]]):
        self.scale, self.staff, self.policy, self.required = scale, staff, policy, required
        self.rng = random.Random(scale.seed)
        self.calendar = Calendar(scale.today)
        self.catalogue = products()
        counts = order_counts(self.rng, scale.customers, scale.orders)
        self.counts = counts
        self.orders_before = array("q", [0])  # orders of the customers before customer n (n from 1)
        for count in counts:
            self.orders_before.append(self.orders_before[-1] + count)
        self.order_key = self.payment_key = 0
        self.today = scale.today.toordinal()
        self.stamp = f"{scale.today.isoformat()} 02:00:00+00"
        self.rep_weights = list(accumulate(1.0 + 2.0 * (index % 7 == 0) for index in range(len(staff.reps))))
        self.tally = {"tier": {}, "grade": {}}

    def chunks(self, size: int, *, part: int = 0, parts: int = 1) -> Iterator[Chunk]:
        """Chunks of ``size`` customers; with ``parts`` generators side by side, this one's share (every
        ``parts``-th chunk from ``part``)."""
        for index, start in enumerate(range(1, self.scale.customers + 1, size)):
            if index % parts != part:
                continue
            self.rng = random.Random(f"{self.scale.seed}/{index}")
            self.order_key = self.orders_before[start - 1]
            chunk = Chunk(index)
            for number in range(start, min(start + size, self.scale.customers + 1)):
                self.customer(chunk, number)
            yield chunk

    # -- one customer ---------------------------------------------------------------------------------------------
    def customer(self, chunk: Chunk, number: int) -> None:
        rng, iso = self.rng, self.calendar.iso
        chunk.customers += 1
        kind = "end" if rng.random() < 0.15 else "intermediate"
        size = "small" if kind == "end" else rng.choices(("small", "medium", "large"), (60, 30, 10))[0]
        nature = (
            "individual"
            if kind == "end"
            else rng.choices(("company", "partner", "government", "special"), (72, 14, 8, 6))[0]
        )
        owner_id, owner_name = rng.choices(self.staff.reps, cum_weights=self.rep_weights)[0]
        region_code, region = rng.choice(REGIONS)
        city = region.split()[-1]
        person = self.person()
        name = person if kind == "end" else city + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIX)
        count = self.counts[number - 1]
        new = rng.random() < 0.08  # a customer won during the order window
        created = self.today - (rng.randrange(30, HISTORY_DAYS - 30) if new else rng.randrange(HISTORY_DAYS, 3650))
        since = created - rng.randrange(0, 400)
        terms = rng.choices((30, 60, 90), (60, 30, 10))[0]
        values = {
            "customer.name": name,
            "customer.address": f"{city}市{rng.choice(WORDS)}路 {rng.randrange(1, 999)} 号"
            if rng.random() < 0.9
            else "",
            "customer.phone": f"0{rng.randrange(20, 999)}-{rng.randrange(10**7, 10**8)}",
            "customer.region": region,
            "customer.industry": rng.choice(INDUSTRIES) if kind == "intermediate" else "",
            "customer.unified_social_credit_code": uscc(number, region_code)
            if kind == "intermediate" and rng.random() < 0.9
            else "",
            "contacts": False,
        }
        reviewed = self.today - int(rng.random() ** 1.6 * 220) if rng.random() < 0.85 else None
        if reviewed is not None and reviewed < created:
            reviewed = None
        archived = rng.random() < 0.005
        self.sections(chunk, number, kind, size, since, values)
        self.contacts(chunk, number, kind, created, values)
        buyer = Buyer(
            weight=count,
            payer=rng.choices(("good", "fair", "poor", "defaulter"), (70, 18, 8, 4))[0],
            scale={"small": 1, "medium": 2, "large": 4}[size],
            churned=rng.random() < 0.08,
        )
        inputs = ProfileInputs(
            size=size,
            payment_terms_days=terms,
            expected_monthly_purchases=Decimal(rng.randrange(5, 200) * 1000) if rng.random() < 0.3 else None,
            relationship_since=date.fromordinal(since) if "basic.relationship_since" in values else None,
        )
        self.credit_data(chunk, number, kind, size, inputs)
        promoted = self.orders(chunk, number, buyer, created, terms, inputs)
        self.records(chunk, number, owner_id, created, reviewed, promoted)
        chunk.add(
            "customers_customer",
            (
                str(number),
                f"C{number:06d}",
                f"ERP-{number:08d}" if rng.random() < 0.5 else NULL,
                name,
                name_key(name),  # as the write path stores it (DOMAIN §2.3)
                kind,
                nature,
                size,
                str(owner_id),
                values["customer.unified_social_credit_code"],
                region,
                values["customer.industry"],
                values["customer.phone"],
                f"info{number}@example.com" if kind == "intermediate" and rng.random() < 0.6 else "",
                values["customer.address"],
                str(terms),
                text(inputs.expected_monthly_purchases),
                str(completeness(values, self.required.get(kind, []))),
                iso[reviewed] if reviewed else NULL,
                str(rng.randrange(1, 6)),
                f"{iso[created]} 01:30:00+00",
                str(owner_id),
                f"{iso[max(reviewed or created, created)]} 03:00:00+00",
                f"{iso[self.today - rng.randrange(1, 200)]} 04:00:00+00" if archived else NULL,
                str(self.staff.manager) if archived else NULL,
            ),
        )
        chunk.add(
            "customers_changerecord",
            (str(number), f"{iso[created]} 01:30:00+00", str(owner_id), "record", "created", "", owner_name),
        )
        self.profile(chunk, number, inputs)

    def person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def sections(self, chunk: Chunk, number: int, kind: str, size: str, since: int, values: dict) -> None:
        rng, iso, customer = self.rng, self.calendar.iso, str(number)
        if rng.random() < 0.85:
            end = kind == "end"
            values |= {
                "basic.legal_representative": "" if end else self.person(),
                "basic.owner_names": "" if end else self.person(),
                "basic.relationship_since": iso[since],
                "basic.business_types": "" if end else rng.choice(("经销", "工程配套", "OEM", "代理", "Distribution")),
                "basic.gender": rng.choice(("female", "male")) if end else "",
                "basic.birth_date": iso[self.today - rng.randrange(25 * 365, 65 * 365)] if end else None,
                "basic.occupation": rng.choice(("工程师", "个体经营", "Plant manager")) if end else "",
                "basic.education": rng.choice(("本科", "大专", "硕士")) if end else "",
            }
            chunk.add(
                "customers_basicsection",
                (
                    customer,
                    values["basic.legal_representative"],
                    values["basic.owner_names"],
                    iso[since],
                    values["basic.business_types"],
                    values["basic.gender"],
                    values["basic.birth_date"] or NULL,
                    values["basic.occupation"],
                    values["basic.education"],
                    str(rng.randrange(100000, 999999)),
                ),
            )
        if kind == "end":
            return
        for table, section, share, fields in COMPANY_SECTIONS:
            if rng.random() < share:
                chosen = [rng.choice(choices) for choices in fields.values()]
                values |= {f"{section}.{name}": value for name, value in zip(fields, chosen, strict=True)}
                chunk.add(table, (customer, *chosen))

    def contacts(self, chunk: Chunk, number: int, kind: str, created: int, values: dict) -> None:
        rng, iso = self.rng, self.calendar.iso
        how_many = rng.choices((0, 1, 2, 3), (5, 50, 30, 15) if kind == "intermediate" else (40, 60, 0, 0))[0]
        for _ in range(how_many):
            birthday = iso[self.today - rng.randrange(22 * 365, 60 * 365)] if rng.random() < 0.4 else NULL
            chunk.add(
                "customers_contact",
                (
                    str(number),
                    self.person(),
                    rng.choice(TITLES),
                    f"1{rng.randrange(30, 99)}{rng.randrange(10**7, 10**8)}",
                    birthday,
                    f"{iso[created]} 01:31:00+00",
                ),
            )
        values["contacts"] = how_many > 0

    def credit_data(self, chunk: Chunk, number: int, kind: str, size: str, inputs: ProfileInputs) -> None:
        """Financial figures and credit reports of medium and large companies; approved limits for some."""
        rng, iso, customer = self.rng, self.calendar.iso, str(number)
        if kind == "intermediate" and size != "small" and rng.random() < 0.6:
            year_end = date(self.scale.today.year - 1, 12, 31).toordinal()
            net_worth = rng.randrange(2, 400) * 1_000_000 * (2 if size == "large" else 1)
            for metric, value in (
                ("net_worth", net_worth),
                ("total_assets", net_worth * rng.randrange(2, 4)),
                ("annual_revenue", net_worth * rng.randrange(1, 5)),
            ):
                chunk.add(
                    "customers_financialfigure",
                    (
                        customer,
                        metric,
                        f"{value}.00",
                        iso[year_end],
                        rng.choice(("customer", "tax_authority", "credit_agency")),
                        self.stamp,
                        str(self.staff.analyst),
                    ),
                )
            inputs.net_worth = Decimal(net_worth)
        if size != "small" and rng.random() < 0.4:
            obtained = self.today - rng.randrange(5, 300)
            issued = obtained - rng.randrange(0, 10)
            valid_until = issued + 180
            chunk.add(
                "customers_creditdocument",
                (
                    customer,
                    "credit_report",
                    "企业信用报告",
                    rng.choice(("credit_agency", "bank")),
                    iso[obtained],
                    iso[issued],
                    iso[valid_until],
                    self.stamp,
                    str(self.staff.analyst),
                ),
            )
            expires = credit_report_expires_on(
                valid_until=date.fromordinal(valid_until),
                issued_on=date.fromordinal(issued),
                obtained_on=date.fromordinal(obtained),
                months=self.policy.credit_report_valid_months,
            )
            inputs.has_valid_credit_report = expires >= self.scale.today
        if rng.random() < 0.05:
            self.limit(chunk, number, inputs)

    def limit(self, chunk: Chunk, number: int, inputs: ProfileInputs) -> None:
        """A limit request (one at most per customer, its id the customer's number): a few wait in the approval
        queue, the others were approved by a credit manager (four eyes) and gave a limit for a year."""
        rng, iso, staff = self.rng, self.calendar.iso, self.staff
        amount = rng.randrange(2, 60) * 10_000 if inputs.size != "small" else rng.randrange(1, 6) * 10_000
        pending = rng.random() < 0.04
        start = self.today - (0 if pending else rng.randrange(0, 360))
        decided = NULL if pending else f"{iso[start]} 06:00:00+00"
        key, asked, terms, analyst = str(number), f"{amount}.00", str(inputs.payment_terms_days), str(staff.analyst)
        approved, approver = (NULL, NULL) if pending else (asked, str(staff.credit_manager))
        status, asked_at = "pending" if pending else "approved", f"{iso[start - 2]} 06:00:00+00"
        row = (key, key, asked, terms, "年度授信申请", status, asked, analyst, asked_at, approved, approver, decided)
        chunk.add("credit_creditlimitrequest", (*row, "", "{}"))
        if pending:
            return
        until = start + self.policy.limit_valid_days
        chunk.add(
            "credit_creditlimit",
            (
                str(number),
                str(number),
                f"{amount}.00",
                str(inputs.payment_terms_days),
                iso[start],
                iso[until],
                str(number),
                decided,
            ),
        )
        if until >= self.today:
            inputs.limit, inputs.limit_valid_until = Decimal(amount), date.fromordinal(until)

    # -- trade ----------------------------------------------------------------------------------------------------
    def orders(
        self, chunk: Chunk, number: int, buyer: Buyer, created: int, terms: int, inputs: ProfileInputs
    ) -> list[tuple[int, str]]:
        """The customer's orders with lines and payments; returns the (day, promotion) of orders in a promotion."""
        rng, calendar, iso = self.rng, self.calendar, self.calendar.iso
        low = calendar.mass_at(created)
        high = calendar.mass_at(self.today - 395) if buyer.churned else calendar.cumulative[-1]
        if high <= low:  # won during the window and churned since: ordered between
            high = calendar.mass_at(self.today - 30)
        days = sorted(calendar.draw(rng, low, high) for _ in range(int(buyer.weight)))
        promoted, customer = [], str(number)
        created_by = str(self.staff.integration)
        catalogue, random_ = self.catalogue, rng.random
        for day in days:
            self.order_key += 1
            order_id = self.order_key
            age, draw = self.today - day, random_()
            if age > 45:
                status = "completed" if draw < 0.96 else "cancelled" if draw < 0.995 else "rejected"
            else:
                status = (
                    "open"
                    if draw < 0.84
                    else "completed"
                    if draw < 0.95
                    else "cancelled"
                    if draw < 0.98
                    else ("credit_hold")
                )
            total, draw = 0, random_()
            for _ in range(1 if draw < 0.55 else 2 if draw < 0.85 else 3):
                product, model, price = catalogue[int(random_() * len(catalogue))]
                quantity = (1 + int(random_() * 8)) * buyer.scale
                price = price * (90 + int(random_() * 21)) // 100
                total += price * quantity
                chunk.add(
                    "credit_orderline",
                    (str(order_id), product, model, f"{quantity}.000", money(price), money(price * quantity)),
                )
            due = day + terms
            chunk.add(
                "credit_order",
                (
                    str(order_id),
                    customer,
                    f"SO{order_id:07d}",
                    iso[day],
                    iso[due],
                    "f",
                    money(total),
                    status,
                    "{}",
                    created_by,
                    f"{iso[day]} 02:00:00+00",
                    NULL,
                    NULL,
                ),
            )
            inputs.orders.append(
                OrderRow(order_id, date.fromordinal(day), date.fromordinal(due), Decimal(total) / 100, status)
            )
            if status in ("open", "completed"):
                self.payments(chunk, number, order_id, day, due, total, buyer.payer, inputs)
            promotion = calendar.promotion_on(day)
            if promotion:
                promoted.append((day, promotion))
        return promoted

    def payments(
        self, chunk: Chunk, number: int, order_id: int, day: int, due: int, total: int, payer: str, inputs
    ) -> None:
        """Mostly on time, some late, some never: by the customer's habit; never more than the order."""
        rng = self.rng
        late = {"good": 0.02, "fair": 0.2, "poor": 0.55, "defaulter": 0.6}[payer]
        never = {"good": 0.0, "fair": 0.01, "poor": 0.05, "defaulter": 0.35}[payer]
        if rng.random() < never and (payer == "defaulter" or self.today - due < 400):
            return
        if rng.random() < late:
            paid = due + int(rng.expovariate(1 / {"good": 8, "fair": 15, "poor": 45, "defaulter": 80}[payer])) + 1
        else:
            paid = day + int(rng.random() * (due - day + 1))
        parts = [total] if rng.random() < 0.92 or total < 200 else [total // 2, total - total // 2]
        for index, amount in enumerate(parts):
            on = paid + 20 * index
            if on > self.today:
                return  # not paid yet
            self.payment_key += 1
            payment_id = self.payment_key  # the rule's tie-break among payments of a day; the database gives the id
            chunk.add(
                "credit_payment",
                (
                    str(number),
                    NULL,
                    self.calendar.iso[on],
                    money(amount),
                    str(order_id),
                    str(self.staff.integration),
                    f"{self.calendar.iso[on]} 05:00:00+00",
                ),
            )
            inputs.payments.append(PaymentIn(payment_id, date.fromordinal(on), Decimal(amount) / 100, order_id))

    # -- records --------------------------------------------------------------------------------------------------
    def records(
        self, chunk: Chunk, number: int, owner_id: int, created: int, reviewed: int | None, promoted: list
    ) -> None:
        """Visit reports, complaints followed by a service record, quality feedback, promotion responses, reviews."""
        rng, iso, staff = self.rng, self.calendar.iso, self.staff
        customer = str(number)

        def add(kind: str, day: int, subject: str, author: int, details: str = "") -> None:
            chunk.add(
                "customers_interaction",
                (customer, kind, iso[day], subject, details, str(author), f"{iso[day]} 08:00:00+00"),
            )

        span = max(self.today - created, 1)
        for _ in range(rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 15, 10))[0]):
            add("visit_report", self.today - rng.randrange(0, min(span, 720)), rng.choice(VISIT_SUBJECTS), owner_id)
        if rng.random() < 0.1:
            day = self.today - rng.randrange(5, min(span, 700) + 5)
            add("complaint", day, rng.choice(COMPLAINTS), staff.service, "客户来电投诉")
            add(
                "service",
                min(day + rng.randrange(1, 10), self.today),
                "现场处理 on-site service",
                staff.service,
                "已更换密封件, 客户确认",
            )
        if rng.random() < 0.05:
            add("quality_feedback", self.today - rng.randrange(0, min(span, 700)), rng.choice(FEEDBACK), staff.service)
        responded = set()
        for day, promotion in promoted:
            if promotion not in responded and rng.random() < 0.5:
                responded.add(promotion)
                add("promotion_response", day, f"促销响应: {promotion}", owner_id, "按促销价下单")
        if reviewed is not None:
            chunk.add(
                "customers_review",
                (customer, iso[reviewed], f"{iso[reviewed]} 09:00:00+00", str(owner_id), REVIEW_SECTIONS, ""),
            )

    def profile(self, chunk: Chunk, number: int, inputs: ProfileInputs) -> None:
        """The stored credit profile and its first history row, by the app's own rule (DOMAIN §3–§6)."""
        fields = compute_profile(inputs, policy=self.policy, today=self.scale.today)
        tier, grade = fields["tier"], fields["payment_grade"]
        self.tally["tier"][tier] = self.tally["tier"].get(tier, 0) + 1
        self.tally["grade"][grade] = self.tally["grade"].get(grade, 0) + 1
        chunk.add(
            "credit_creditprofile",
            [str(number)] + [text(fields[name]) for name in COLUMNS["credit_creditprofile"][1:-1]] + [self.stamp[:10]],
        )
        chunk.add("credit_credithistory", (str(number), self.stamp[:10], tier, grade))
