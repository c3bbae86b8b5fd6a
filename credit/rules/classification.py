"""The classifications of DOMAIN §2.1 (seed 004 §2 客户分类), derived from the customer's trade, never typed.

- by time 按时间序列: ``future`` 未来客户 (no order yet), ``new`` 新客户 (first order within the last 365 days),
  ``old`` 老客户;
- by transaction process 按交易过程: ``current`` 正在进行交易 (an open order, or an order in the last 90 days),
  ``past`` 曾经有过交易 (orders, none open, none in the last 365 days), ``upcoming`` 即将进行交易 (no order yet, an
  open opportunity), and the two states DOMAIN names no class for, so that every customer has exactly one:
  ``lapsing`` (orders, none open, the last one 90–365 days ago: between current and past) and ``none`` (no order
  and no opportunity);
- by volume and market position 按交易数量和市场地位: ``key`` 主力客户 (tier A), ``general`` 一般客户 (B, C),
  ``scattered`` 零散客户 (D);
- core 核心 vs ordinary 普通 (seed 004 §4③): ``rules.tier.is_core``, unless a credit manager pinned it.

What counts:
- an *order* is one that became a transaction: ``open`` or ``completed`` (DOMAIN §3's billable orders). An order on
  credit hold, rejected or cancelled is not a purchase, so it makes nobody ``new``, ``old`` or ``current``.
- *open* is the order state ``open`` (accepted, not yet completed).
- there is no opportunity or quote in this product, so an *open opportunity* is what the data holds of one: an order
  on credit hold (the customer ordered and the order awaits a credit decision), or a technical requirement or a
  promotion response recorded in the current-customer window (90 days): the customer told us what it needs, or
  answered an offer, which is the valve case's first step before a quotation (seed 004 客户卡).
- windows are the tier's (``rules.tier.in_window``): "within the last 365 days" is after ``today − 365`` and not
  after today, so an order exactly 365 days old is outside, as it is outside T. An order dated after today (an
  import of a scheduled order) counts as recent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from credit.rules.policy import CreditPolicy
from credit.rules.tier import BILLABLE, Purchase, Tier, is_core


class TimeClass(StrEnum):
    FUTURE = "future"  # 未来客户
    NEW = "new"  # 新客户
    OLD = "old"  # 老客户


class ProcessClass(StrEnum):
    CURRENT = "current"  # 正在进行交易
    LAPSING = "lapsing"  # between current and past: no class of its own in DOMAIN §2.1
    PAST = "past"  # 曾经有过交易
    UPCOMING = "upcoming"  # 即将进行交易
    NONE = "none"  # no order, no opportunity


class VolumeClass(StrEnum):
    KEY = "key"  # 主力客户
    GENERAL = "general"  # 一般客户
    SCATTERED = "scattered"  # 零散客户


class CorePin(StrEnum):
    """A credit manager's pin on core vs ordinary (DOMAIN §2.1 "a credit manager may pin it")."""

    AUTOMATIC = "auto"
    CORE = "core"
    ORDINARY = "ordinary"


@dataclass(frozen=True, slots=True)
class TradeFacts:
    """What the classifications read of a customer's orders and interactions."""

    first_order_on: date | None = None  # the earliest open or completed order
    last_order_on: date | None = None  # the latest open or completed order
    has_open_order: bool = False
    has_held_order: bool = False  # an order on credit hold, awaiting a decision
    last_opportunity_on: date | None = None  # the latest technical requirement or promotion response


def trade_facts(purchases: Iterable[Purchase], *, last_opportunity_on: date | None = None) -> TradeFacts:
    """The facts of a customer's orders (each with its date and state)."""
    purchases = list(purchases)
    dates = [p.order_date for p in purchases if p.status in BILLABLE]
    return TradeFacts(
        first_order_on=min(dates, default=None),
        last_order_on=max(dates, default=None),
        has_open_order=any(p.status == "open" for p in purchases),
        has_held_order=any(p.status == "credit_hold" for p in purchases),
        last_opportunity_on=last_opportunity_on,
    )


def _recent(day: date, today: date, days: int) -> bool:
    """Dated within the last ``days`` days (after ``today − days``), or later than today."""
    return day > today - timedelta(days=days)


def time_class(facts: TradeFacts, *, today: date, policy: CreditPolicy) -> TimeClass:
    """DOMAIN §2.1 by time: future (no order yet), new (first order within the last 365 days), old."""
    if facts.first_order_on is None:
        return TimeClass.FUTURE
    if _recent(facts.first_order_on, today, policy.new_customer_days):
        return TimeClass.NEW
    return TimeClass.OLD


def process_class(facts: TradeFacts, *, today: date, policy: CreditPolicy) -> ProcessClass:
    """DOMAIN §2.1 by transaction process: current (an open order or one in the last 90 days); past (orders,
    none open, none in the last 365 days); lapsing (orders, none open, the last 90–365 days ago); upcoming (no order
    yet, an open opportunity: an order on credit hold, or a technical requirement or promotion response within the
    last 90 days); none (no order, no opportunity)."""
    if facts.has_open_order:
        return ProcessClass.CURRENT
    if facts.last_order_on is not None:
        if _recent(facts.last_order_on, today, policy.current_customer_days):
            return ProcessClass.CURRENT
        if _recent(facts.last_order_on, today, policy.past_customer_days):
            return ProcessClass.LAPSING
        return ProcessClass.PAST
    opportunity = facts.last_opportunity_on is not None and _recent(
        facts.last_opportunity_on, today, policy.current_customer_days
    )
    return ProcessClass.UPCOMING if facts.has_held_order or opportunity else ProcessClass.NONE


VOLUME_BY_TIER = {Tier.A: VolumeClass.KEY, Tier.B: VolumeClass.GENERAL, Tier.C: VolumeClass.GENERAL}


def volume_class(tier: Tier) -> VolumeClass:
    """DOMAIN §2.1 by volume and market position: key (tier A), general (B, C), scattered (D)."""
    return VOLUME_BY_TIER.get(tier, VolumeClass.SCATTERED)


def completed_years(since: date, today: date) -> int:
    """Whole calendar years from ``since`` to ``today``: 3 on the third anniversary (29 February counts from
    1 March in a common year), 2 the day before."""
    years = today.year - since.year
    try:
        anniversary = since.replace(year=today.year)
    except ValueError:  # 29 February in a common year
        anniversary = date(today.year, 3, 1)
    return years - 1 if today < anniversary else years


def relationship_years(*, since: date | None, first_order_on: date | None, today: date) -> int | None:
    """The relationship's age for core (DOMAIN §2.1): from the dossier's relationship start date, else from the
    first order; None when neither is known."""
    start = since or first_order_on
    return None if start is None else max(completed_years(start, today), 0)


@dataclass(frozen=True, slots=True)
class CoreDecision:
    is_core: bool  # what the customer is treated as (review interval, lists, analysis)
    computed: bool  # what the rule alone says
    pinned: bool  # a credit manager's pin decided ``is_core``


def core_decision(*, trailing: Decimal, years: int | None, pin: CorePin, policy: CreditPolicy) -> CoreDecision:
    """Core vs ordinary (DOMAIN §2.1): T ≥ the A threshold, or ≥ the B threshold with 3+ years together; a pin to
    core or ordinary decides instead, automatic leaves it to the rule."""
    computed = is_core(trailing=trailing, relationship_years=years, policy=policy)
    if pin is CorePin.AUTOMATIC:
        return CoreDecision(computed, computed, pinned=False)
    return CoreDecision(pin is CorePin.CORE, computed, pinned=True)
