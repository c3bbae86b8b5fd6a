"""The credit policy's numbers (DOMAIN §3–§7) as one immutable value; the database keeps its versions."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    tier_a_threshold: Decimal = Decimal(300_000)  # §3 A (核心): T ≥ this
    tier_b_threshold: Decimal = Decimal(200_000)  # §3 B (重要): T ≥ this
    window_days: int = 365  # §3, §4 trailing window
    max_days_late: int = 90  # §4 丁 beyond this
    yi_on_time_ratio: Decimal = Decimal("0.80")  # §4 乙 at or above this
    yi_limit_factor: Decimal = Decimal("0.80")  # §6.1 乙 gets this share of the recommendation
    small_customer_ceiling: Decimal = Decimal(50_000)  # §6.2
    capacity_share_of_net_worth: Decimal = Decimal("0.10")  # §6.1
    factor_low: Decimal = Decimal("1.5")  # §6.1 by risk class
    factor_moderate: Decimal = Decimal("1.2")
    factor_high: Decimal = Decimal("0.6")
    factor_very_high: Decimal = Decimal(0)
    risk_low_from: Decimal = Decimal(80)  # §5.3 S ≥ this is low
    risk_moderate_from: Decimal = Decimal(60)
    risk_high_from: Decimal = Decimal(40)
    assessment_valid_days: int = 365  # §5.3
    limit_valid_days: int = 365  # §6.3 授信按年度
    limit_rounding: Decimal = Decimal(1000)  # §6.1 rounded down to this
    credit_report_valid_months: int = 6  # §7 (3–12)
    review_days_core: int = 60  # §7
    review_days_other: int = 180  # §7
    core_relationship_years: int = 3  # §2.1 core with tier B purchases
    new_customer_days: int = 365  # §2.1 new: first order within this many days
    current_customer_days: int = 90  # §2.1 current: an order (or an opportunity) within this many days
    past_customer_days: int = 365  # §2.1 past: no order within this many days
    limit_warning_days: int = 30  # §7 stale when the limit expires within this
    review_reminder_days: int = 14  # §7 review reminders this far ahead
    limit_reminder_days: int = 30  # §7 limit expiry reminders this far ahead
    credit_report_reminder_days: int = 30  # §7 credit-report expiry reminders this far ahead
    birthday_reminder_days: int = 7  # §7 contact birthday reminders this far ahead
    dashboard_review_days: int = 14  # the rep's dashboard: reviews due within this
    dashboard_limit_days: int = 30  # the credit dashboard: limits expiring within this
    reorder_grace_min_days: int = 7  # §8 grace = max(this, share × cycle)
    reorder_grace_share: Decimal = Decimal("0.20")  # §8
    capital_debt_ratio_10: Decimal = Decimal("0.30")  # §5.1 suggested Capital 10 at a debt ratio up to this
    capital_debt_ratio_8: Decimal = Decimal("0.50")  # … 8 up to this
    capital_debt_ratio_5: Decimal = Decimal("0.70")  # … 5 up to this
    capital_debt_ratio_2: Decimal = Decimal("0.90")  # … 2 up to this, 0 above
    capital_current_ratio_strong: Decimal = Decimal(2)  # §5.1 no deduction at a current ratio from this
    capital_current_ratio_weak: Decimal = Decimal(1)  # … 1 point off from this, 3 below it
    capacity_margin_9: Decimal = Decimal("0.10")  # §5.1 suggested Capacity 9 at a net margin from this
    capacity_margin_7: Decimal = Decimal("0.05")  # … 7 from this, 5 from zero, 2 below
    character_litigation_penalty: int = 3  # §5.1 suggested Character points off per litigation record
