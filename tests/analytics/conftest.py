"""A small portfolio for the analysis tests: four customers whose trailing purchases put them in tiers A–D
(DOMAIN §3, default thresholds 300,000 and 200,000), two reps, orders imported as delivered by the ERP."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from credit import services
from credit.services import OrderLineInput
from crm import roles
from tests.factories import make_customer

TODAY = date(2026, 11, 22)


def order(customer, by, amount, *, days_ago=10, product="DN100 gate valve", terms=30):
    order_date = TODAY - timedelta(days=days_ago)
    return services.order_place(
        customer=customer,
        lines=[OrderLineInput(product, Decimal(1), Decimal(amount))],
        order_date=order_date,
        due_date=order_date + timedelta(days=terms),
        by=by,
        today=TODAY,
        historical=True,
    )


@dataclass
class Portfolio:
    rep: object
    other_rep: object
    manager: object
    erp: object
    customers: dict


@pytest.fixture
def portfolio(make_user, rep, other_rep, manager) -> Portfolio:
    erp = make_user(roles.INTEGRATION, username="erp")
    a = make_customer(owner=rep, name="Alpha Valves", region="Zhejiang", industry="Chemicals", nature="company")
    b = make_customer(owner=rep, name="Beta Pumps", region="Jiangsu", industry="Water", nature="company")
    c = make_customer(owner=other_rep, name="Gamma Pipes", region="Zhejiang", industry="Chemicals", size="medium")
    d = make_customer(owner=other_rep, name="Delta Works", region="", industry="", nature="individual", kind="end")
    order(a, erp, 350_000, days_ago=30, product="DN100 gate valve")
    order(b, erp, 210_000, days_ago=20, product="DN50 ball valve")
    order(b, erp, 100_000, days_ago=400, product="DN50 ball valve")  # outside the trailing window today
    order(c, erp, 40_000, days_ago=5, product="DN100 gate valve")
    return Portfolio(rep, other_rep, manager, erp, {"A": a, "B": b, "C": c, "D": d})
