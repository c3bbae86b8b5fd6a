"""Simulate a synthetic portfolio under credit for all and under the credit policy (DOMAIN §11); writes nothing."""

import os
import time
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from credit import selectors
from credit.rules.policy import CreditPolicy
from credit.simulation import Figures, simulate


class Command(BaseCommand):
    help = (
        "Generate a synthetic portfolio (hidden default risk reflected in size, financial ratios, payment behaviour "
        "and litigation) and run it month by month under credit for all and under the credit policy in force "
        "(or a variant: --set field=value). Prints bad debt, average receivables, DSO, collection rate and the "
        "sales kept from customers who pay. The same seed gives the same figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=5000)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--processes", type=int, default=os.cpu_count() or 1, help="split the portfolio over this many processes"
        )
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="change a number of the policy in force for this run only, e.g. --set factor_moderate=1.5",
        )

    def handle(self, *args, **options):
        if options["customers"] < 1 or not 1 <= options["months"] <= 120:
            raise CommandError("--customers must be at least 1 and --months between 1 and 120.")
        policy = _policy(selectors.policy_current().as_rule(), options["set"])
        started = time.perf_counter()
        found = simulate(
            customers=options["customers"],
            months=options["months"],
            seed=options["seed"],
            policy=policy,
            processes=max(1, min(options["processes"], options["customers"])),
        )
        took = time.perf_counter() - started
        out = self.stdout.write
        out(
            f"{found.customers:,} customers, {found.months} months, seed {found.seed}: "
            f"{found.defaulters:,} default ({found.defaulters / found.customers:.1%}); {took:.1f} s"
        )
        out(f"{'':28}{'credit for all':>18}{'credit policy':>18}")
        for label, value in _rows(found.credit_for_all, found.policy):
            out(f"{label:28}{value[0]:>18}{value[1]:>18}")
        out(f"bad debt cut by the policy:      {found.bad_debt_cut:.1%}")
        out(f"sales kept from customers who pay: {found.sales_kept:.1%}")
        out(f"average receivables cut:         {found.receivables_cut:.1%}  (seed 004 case: 72.8%)")


def _rows(everyone: Figures, policy: Figures):
    money = lambda value: f"{value:,.0f}"  # noqa: E731
    yield "credit sales", (money(everyone.credit_sales), money(policy.credit_sales))
    yield "sales paid before shipment", (money(everyone.prepaid_sales), money(policy.prepaid_sales))
    yield "orders held (lost)", (money(everyone.held), money(policy.held))
    yield "bad debt", (money(everyone.bad_debt), money(policy.bad_debt))
    share = lambda f: f"{f.bad_debt / f.credit_sales:.2%}" if f.credit_sales else "—"  # noqa: E731
    yield "bad debt / credit sales", (share(everyone), share(policy))
    yield "average receivables", (money(everyone.average_receivables), money(policy.average_receivables))
    yield "DSO (days)", (f"{everyone.dso:.0f}", f"{policy.dso:.0f}")
    yield "collection rate", (f"{everyone.collection_rate:.1%}", f"{policy.collection_rate:.1%}")  # seed 004: 98.8%


def _policy(current: CreditPolicy, settings: list[str]) -> CreditPolicy:
    changes = {}
    for item in settings:
        name, _, value = item.partition("=")
        if name not in CreditPolicy.__dataclass_fields__:
            raise CommandError(f"--set {item}: the policy has no number called {name!r}.")
        kind = type(getattr(current, name))
        try:
            changes[name] = kind(Decimal(value)) if kind is int else Decimal(value)
        except (InvalidOperation, ValueError):
            raise CommandError(f"--set {item}: {value!r} is not a number.") from None
    return replace(current, **changes)
