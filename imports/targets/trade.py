"""Order and payment rows (DOMAIN §2.3, §6.4): each row names its customer by code or external id, and its own
external id, which makes a re-import change nothing. An order is one row per line, the rows of one order sharing
its external id; it is placed through ``credit.services.order_place``: historical (``completed``, no credit check)
when the row says so and the user may (integration, sales manager), else through the credit check. Payments go
through ``credit.services.payment_record``. Values are checked by the trade API's own serializers. Undo removes
what the import recorded while nothing has moved on since (``credit.services.trade_take_back``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit import selectors as credit_selectors
from credit import services as credit_services
from credit.api.serializers import OrderSerializer, PaymentSerializer
from credit.models import Order, OrderLine, Payment
from customers import selectors
from imports.rules.mapping import choice_code, header_key
from imports.targets.rows import RowCheck, RowsChanged, RowWritten

LANGUAGES = ("en", "zh-hans")
KEY_LABELS = {"customer": gettext_lazy("customer code"), "customer_external_id": gettext_lazy("customer external ID")}
ORDER_FIELDS = ("external_id", "order_date", "due_date", "prepaid", "status")
LINE_FIELDS = ("product", "model", "quantity", "unit_price")
PAYMENT_FIELDS = ("external_id", "paid_on", "amount", "order")
_YES = {header_key(t) for t in ("true", "yes", "y", "1", "是", "预付")}


def _label(model, name: str) -> str:
    if name in KEY_LABELS:
        return str(KEY_LABELS[name])
    return str(model._meta.get_field(name).verbose_name)


def _header_names(field_models: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name, model in field_models.items():
                for text in (name, _label(model, name)):
                    names.setdefault(header_key(text), name)
    return names


def _customer_ids(user: AbstractBaseUser, refs: Sequence[tuple[str, str]]) -> list[int | None]:
    """The dossier each (code, external id) names, among those the user may see in full."""
    by_code = selectors.dossier_ids_by_key(user=user, column="code", values=[code for code, _id in refs])
    by_id = selectors.dossier_ids_by_key(user=user, column="external_id", values=[ext for _code, ext in refs])
    return [by_code.get(code) or by_id.get(ext) for code, ext in refs]


def _flat(errors: Any) -> dict[str, Any]:
    """A serializer's errors as ``{field: [messages]}`` (the order's own and its line's)."""
    return {name: [str(m) for m in words] if isinstance(words, list) else words for name, words in errors.items()}


@dataclass(slots=True)
class Group:
    """The rows of one order (or one payment): the input the trade API would get, or the reasons it cannot."""

    numbers: list[int]
    external_id: str
    customer_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[int, dict[str, Any]] = field(default_factory=dict)  # row number → its errors
    existing: int | None = None
    customer_ref: tuple[str, str] = ("", "")  # (code, external id)
    order_ref: str = ""


class Orders:
    """Orders with their lines, one row per line."""

    FIELDS = {
        **dict.fromkeys(KEY_LABELS, Order),
        **dict.fromkeys(ORDER_FIELDS, Order),
        **dict.fromkeys(LINE_FIELDS, OrderLine),
    }

    @staticmethod
    def field_names() -> tuple[str, ...]:
        return tuple(Orders.FIELDS)

    @staticmethod
    def field_label(name: str) -> str:
        return _label(Orders.FIELDS[name], name)

    @staticmethod
    @cache
    def header_names() -> dict[str, str]:
        return _header_names(Orders.FIELDS)

    @staticmethod
    def group_key(values: Mapping[str, str]) -> str:
        return values.get("external_id", "").strip()

    @staticmethod
    def _groups(rows: Sequence[tuple[int, Mapping[str, str]]], user: AbstractBaseUser) -> list[Group]:
        groups: dict[str, Group] = {}
        for number, texts in rows:
            key = texts.get("external_id", "").strip() or f"#{number}"
            group = groups.setdefault(key, Group([], key))
            group.numbers.append(number)
            if len(group.numbers) == 1:
                group.data = {name: texts[name] for name in ("order_date", "due_date") if name in texts}
                group.data["prepaid"] = header_key(texts.get("prepaid", "")) in _YES
                group.data["status"] = choice_code(texts.get("status", "open"), _status_codes())
                group.data["lines"] = []
                group.customer_ref = (texts.get("customer", "").strip(), texts.get("customer_external_id", "").strip())
            group.data["lines"].append({name: texts[name] for name in LINE_FIELDS if name in texts})
        found = _customer_ids(user, [g.customer_ref for g in groups.values()])
        existing = credit_selectors.trade_ids_by_external_id(model="order", external_ids=groups)
        for group, customer_id in zip(groups.values(), found, strict=True):
            group.customer_id, group.existing = customer_id, existing.get(group.external_id)
            if group.existing is None:
                Orders._validate(group, user)
        return list(groups.values())

    @staticmethod
    def _validate(group: Group, user: AbstractBaseUser) -> None:
        first = group.numbers[0]
        if group.external_id.startswith("#") or len(group.external_id) > 64:
            group.errors.setdefault(first, {})["external_id"] = [
                _("Each order needs its external ID (at most 64 characters).")
            ]
        if group.customer_id is None:
            group.errors.setdefault(first, {})["customer"] = [_("No such customer.")]
        serializer = OrderSerializer(data=group.data)
        if not serializer.is_valid():
            errors = dict(serializer.errors)
            for number, line_errors in zip(group.numbers, errors.pop("lines", []) or [], strict=False):
                if line_errors:
                    group.errors.setdefault(number, {}).update(_flat(line_errors))
            if errors:
                group.errors.setdefault(first, {}).update(_flat(errors))
        historical = group.data.get("status") == Order.Status.COMPLETED
        if historical and not user.has_perm("credit.import_historical_orders"):
            group.errors.setdefault(first, {})["status"] = [
                _("Only integration accounts and sales managers import completed orders.")
            ]
        if not group.errors:
            group.data = serializer.validated_data

    @staticmethod
    def rows_check(*, rows, user: AbstractBaseUser, today: date) -> list[RowCheck]:
        checks = []
        for group in Orders._groups(rows, user):
            plan = "unchanged" if group.existing else ("invalid" if group.errors else "create")
            checks += [
                RowCheck(
                    n,
                    plan,
                    group.errors.get(n)
                    or ({} if plan != "invalid" else {"detail": [_("Another line of this order is invalid.")]}),
                )
                for n in group.numbers
            ]
        return sorted(checks, key=lambda check: check.number)

    @staticmethod
    def rows_write(*, rows, user: AbstractBaseUser, today: date) -> list[RowWritten]:
        written = []
        groups = Orders._groups(rows, user)
        customers = {
            c.pk: c
            for c in selectors.customer_scope(user=user, archived=None).filter(pk__in={g.customer_id for g in groups})
        }
        for group in groups:
            if group.existing:
                written += [
                    RowWritten(n, "unchanged", group.existing if n == group.numbers[0] else None) for n in group.numbers
                ]
                continue
            if group.errors:
                written += [RowWritten(n, "refused", errors=group.errors.get(n, {})) for n in group.numbers]
                continue
            order = Orders._place(group, customers[group.customer_id], user, today)
            written.append(RowWritten(group.numbers[0], "created", order.pk, None, {"status": order.status}))
            written += [RowWritten(n, "created") for n in group.numbers[1:]]
        return sorted(written, key=lambda done: done.number)

    @staticmethod
    def _place(group: Group, customer, user: AbstractBaseUser, today: date):
        data = group.data
        lines = [
            credit_services.OrderLineInput(x["product"], x["quantity"], x["unit_price"], x.get("model", ""))
            for x in data["lines"]
        ]
        return credit_services.order_place(
            customer=customer,
            lines=lines,
            order_date=data["order_date"],
            due_date=data["due_date"],
            prepaid=data.get("prepaid", False),
            external_id=group.external_id,
            by=user,
            today=today,
            historical=data.get("status") == Order.Status.COMPLETED,
        )

    @staticmethod
    def rows_take_back(*, rows: Sequence[RowWritten], user: AbstractBaseUser, today: date) -> None:
        placed = {row.object_id: row for row in rows if row.object_id}
        try:
            credit_services.trade_take_back(
                orders={pk: row.before["status"] for pk, row in placed.items()}, payment_ids=[], by=user, today=today
            )
        except credit_services.TradeChanged as changed:
            raise RowsChanged(sorted(placed[pk].number for pk in changed.ids if pk in placed)) from None


@cache
def _status_codes() -> dict[str, str]:
    codes = {}
    for language in LANGUAGES:
        with translation.override(language):
            for value, label in Order.Status.choices:
                codes[header_key(value)] = value
                codes[header_key(str(label))] = value
    return codes


class Payments:
    """Payments received, one row each."""

    FIELDS = {**dict.fromkeys(KEY_LABELS, Payment), **dict.fromkeys(PAYMENT_FIELDS, Payment)}

    @staticmethod
    def field_names() -> tuple[str, ...]:
        return tuple(Payments.FIELDS)

    @staticmethod
    def field_label(name: str) -> str:
        return _label(Payment, name)

    @staticmethod
    @cache
    def header_names() -> dict[str, str]:
        return _header_names(Payments.FIELDS)

    @staticmethod
    def _groups(rows, user: AbstractBaseUser) -> list[Group]:
        groups = []
        for number, texts in rows:
            group = Group([number], texts.get("external_id", "").strip())
            group.data = {name: texts[name] for name in ("paid_on", "amount") if name in texts}
            group.customer_ref = (texts.get("customer", "").strip(), texts.get("customer_external_id", "").strip())
            group.order_ref = texts.get("order", "").strip()
            groups.append(group)
        found = _customer_ids(user, [g.customer_ref for g in groups])
        existing = credit_selectors.trade_ids_by_external_id(
            model="payment", external_ids=[g.external_id for g in groups]
        )
        orders = credit_selectors.orders_by_number(
            customer_ids=set(found) - {None}, numbers=[g.order_ref for g in groups]
        )
        for group, customer_id in zip(groups, found, strict=True):
            group.customer_id, group.existing = customer_id, existing.get(group.external_id)
            errors = {}
            if not group.external_id or len(group.external_id) > 64:
                errors["external_id"] = [_("Each payment needs its external ID (at most 64 characters).")]
            if customer_id is None:
                errors["customer"] = [_("No such customer.")]
            group.data["order"] = orders.get((customer_id, group.order_ref))
            if group.order_ref and group.data["order"] is None:
                errors["order"] = [_("This customer has no such order.")]
            serializer = PaymentSerializer(data={k: v for k, v in group.data.items() if k != "order"})
            if not serializer.is_valid():
                errors.update(_flat({k: v for k, v in serializer.errors.items() if k != "external_id"}))
            if not user.has_perm("credit.record_payment"):
                errors["detail"] = [_("You may not import these records.")]
            if errors and group.existing is None:
                group.errors[group.numbers[0]] = errors
            elif group.existing is None:
                group.data = {**serializer.validated_data, "order": group.data["order"]}
        return groups

    @staticmethod
    def rows_check(*, rows, user: AbstractBaseUser, today: date) -> list[RowCheck]:
        return [
            RowCheck(
                g.numbers[0],
                "unchanged" if g.existing else ("invalid" if g.errors else "create"),
                g.errors.get(g.numbers[0], {}),
            )
            for g in Payments._groups(rows, user)
        ]

    @staticmethod
    def rows_write(*, rows, user: AbstractBaseUser, today: date) -> list[RowWritten]:
        groups = Payments._groups(rows, user)
        customers = {
            c.pk: c
            for c in selectors.customer_scope(user=user, archived=None).filter(pk__in={g.customer_id for g in groups})
        }
        written = []
        for g in groups:
            number = g.numbers[0]
            if g.existing:
                written.append(RowWritten(number, "unchanged", g.existing))
            elif g.errors:
                written.append(RowWritten(number, "refused", errors=g.errors[number]))
            else:
                payment = credit_services.payment_record(
                    customer=customers[g.customer_id],
                    paid_on=g.data["paid_on"],
                    amount=g.data["amount"],
                    order=g.data["order"],
                    external_id=g.external_id,
                    by=user,
                    today=today,
                )
                written.append(RowWritten(number, "created", payment.pk))
        return written

    @staticmethod
    def rows_take_back(*, rows: Sequence[RowWritten], user: AbstractBaseUser, today: date) -> None:
        recorded = {row.object_id: row.number for row in rows if row.object_id}
        try:
            credit_services.trade_take_back(orders={}, payment_ids=list(recorded), by=user, today=today)
        except credit_services.TradeChanged as changed:
            raise RowsChanged(sorted(recorded[pk] for pk in changed.ids if pk in recorded)) from None
