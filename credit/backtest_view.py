"""A back-test as the policy page shows it (DOMAIN §11): the three scenarios in words, with the widths of their bars."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from credit.models import PolicyBacktest
from credit.rules.backtest import CREDIT_FOR_ALL


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    label: str
    orders_held: int
    held_amount: Decimal
    good_revenue_delayed: Decimal
    bad_debt_avoided: Decimal
    bad_debt_left: Decimal
    bars: tuple[tuple[str, float, float], ...]  # (kind, x, width) in percent of the largest total, for the chart


def backtest_view(run: PolicyBacktest) -> dict:
    """The run, its progress and, once done, its figures per scenario (credit for all, the policy in force, the
    draft) with bars: held and later paid on time, held and bad debt avoided, and bad debt let through."""
    view = {"run": run, "running": run.status == PolicyBacktest.Status.RUNNING}
    if run.status != PolicyBacktest.Status.DONE or not run.result:
        return view
    result = run.result
    bad_debt = Decimal(result["bad_debt"])
    labels = {CREDIT_FOR_ALL: _("Credit for all"), "current": _("Policy in force"), "draft": _("Draft")}
    scenarios = []
    for key, label in labels.items():
        held = {m: Decimal(result[m][key]) for m in ("held_amount", "good_revenue_delayed", "bad_debt_avoided")}
        scenarios.append((key, label, int(result["orders_held"][key]), held, bad_debt - held["bad_debt_avoided"]))
    scale = max([Decimal(1)] + [h["held_amount"] + left for *_, h, left in scenarios])
    view["scenarios"] = [
        Scenario(key, label, count, h["held_amount"], h["good_revenue_delayed"], h["bad_debt_avoided"], left,
                 _bars(h, left, scale))
        for key, label, count, h, left in scenarios
    ]  # fmt: skip
    view.update(
        orders=result["orders"],
        amount=Decimal(result["amount"]),
        bad_debt=bad_debt,
        since=date.fromisoformat(str(result["since"])),  # a date when just run, its ISO text once stored
        until=date.fromisoformat(str(result["until"])),
    )
    return view


def _bars(held: dict, left: Decimal, scale: Decimal) -> tuple[tuple[str, float, float], ...]:
    other = held["held_amount"] - held["good_revenue_delayed"] - held["bad_debt_avoided"]
    parts = (("good", held["good_revenue_delayed"]), ("avoided", held["bad_debt_avoided"]), ("other", other),
             ("left", left))  # fmt: skip
    bars, x = [], 0.0
    for kind, amount in parts:
        width = float(amount / scale * 100)
        if width > 0:
            bars.append((kind, round(x, 2), round(width, 2)))
            x += width
    return tuple(bars)
