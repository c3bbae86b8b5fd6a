"""Demo behaviour records (DOMAIN §10.6, issue 11 point 8): promotion responses with costs, and complaints or
quality feedback followed by service records; every write through the interaction service. Idempotent: a customer
that already answered a demo promotion gets nothing more."""

import random
from datetime import date, timedelta
from decimal import Decimal

from customers.models import Customer, Interaction
from customers.services import interaction_record

PROMOTIONS = (  # name, days ago it ran, cost per customer reached
    ("2026 春季目录 Spring catalogue", 240, 300),
    ("阀门展会邀请 Valve World invitation", 150, 1200),
    ("Autumn discount 秋季折扣", 60, 500),
)
FOLLOW_UPS = (
    (Interaction.Kind.COMPLAINT, "投诉: 交期延误 Late delivery", "上门处理交期问题 On-site visit about the delay"),
    (Interaction.Kind.QUALITY_FEEDBACK, "Quality issue on DN100 valves", "更换密封件 Seals replaced"),
)


def seed_behaviour(*, customers: list[Customer], users: dict, today: date) -> int:
    """Responses to the demo promotions for about two customers in three, and for every third customer a complaint
    or quality feedback answered by a service record some days later (the last one still open); returns how many
    customers got records."""
    names = [name for name, _days, _cost in PROMOTIONS]
    seeded = set(
        Interaction.objects.filter(customer__in=customers, promotion__in=names).values_list("customer_id", flat=True)
    )
    fresh = [customer for customer in customers if customer.pk not in seeded]
    for index, customer in enumerate(fresh):
        rng = random.Random(customer.pk * 7919)
        _responses(rng, customer, users, today)
        if index % 3 == 0:
            _complaint(rng, customer, users, today, answered=index != 0)
    return len(fresh)


def _responses(rng: random.Random, customer: Customer, users: dict, today: date) -> None:
    for name, days_ago, cost in PROMOTIONS:
        if rng.random() < 0.35:
            continue
        interaction_record(
            customer=customer,
            kind=Interaction.Kind.PROMOTION_RESPONSE,
            occurred_on=today - timedelta(days=days_ago - rng.randrange(0, 20)),
            subject=name,
            by=customer.owner,
            today=today,
            promotion=name,
            response=Interaction.Response.POSITIVE if rng.random() < 0.6 else Interaction.Response.NEGATIVE,
            cost=Decimal(cost),
        )
    if not customer.interactions.filter(kind=Interaction.Kind.PROMOTION_RESPONSE).exists():
        name, days_ago, cost = PROMOTIONS[customer.pk % len(PROMOTIONS)]
        interaction_record(
            customer=customer,
            kind=Interaction.Kind.PROMOTION_RESPONSE,
            occurred_on=today - timedelta(days=days_ago),
            subject=name,
            by=customer.owner,
            today=today,
            promotion=name,
            response=Interaction.Response.NEGATIVE,
            cost=Decimal(cost),
        )


def _complaint(rng: random.Random, customer: Customer, users: dict, today: date, *, answered: bool) -> None:
    kind, subject, service = FOLLOW_UPS[rng.randrange(len(FOLLOW_UPS))]
    raised = today - timedelta(days=rng.randrange(15, 330))
    interaction_record(
        customer=customer, kind=kind, occurred_on=raised, subject=subject, by=users["service"], today=today
    )
    if answered:
        interaction_record(
            customer=customer,
            kind=Interaction.Kind.SERVICE,
            occurred_on=raised + timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 13])),
            subject=service,
            by=users["service"],
            today=today,
        )
