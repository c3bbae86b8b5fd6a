"""Credit reminders (DOMAIN §7–§8), set-based: limit and credit-report expiry, reorders. Limit expiry also
recomputes the profiles it affects. Once per cause: a rerun adds nothing."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext_noop

from credit import selectors
from credit.models import CreditLimit, Order, OrderLine
from credit.rules.reorder import reorder_due
from credit.services import credit_profiles_refresh
from crm.models import Reminder
from crm.services import ReminderInput, Words, reminders_create
from customers.rules.credit_reports import credit_report_expires_on
from customers.selectors import credit_reports_expiring


def limit_reminders(*, today: date) -> int:
    """Limits expiring within the policy's horizon (30 days by default), and expired ones; expiry itself
    recomputes the profile so the available credit drops to nothing (DOMAIN §6.3, §7). Once per limit."""
    days_ahead = selectors.policy_current().limit_reminder_days
    live = CreditLimit.objects.filter(revoked_at__isnull=True, customer__deleted_at__isnull=True).select_related(
        "customer"
    )
    rows, expired_customers = [], set()
    for limit in live.filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=days_ahead)):
        rows.append(
            ReminderInput(
                Reminder.Kind.LIMIT_EXPIRING,
                limit.customer.owner_id,
                limit.valid_until,
                f"limit_expiring:{limit.pk}",
                Words(
                    gettext_noop("Credit limit of %(code)s %(name)s expires on %(date)s"),
                    {"code": limit.customer.code, "name": limit.customer.name, "date": limit.valid_until.isoformat()},
                ),
                limit.customer_id,
            )
        )
    renewed = set(live.filter(valid_from__lte=today, valid_until__gte=today).values_list("customer_id", flat=True))
    for limit in live.filter(valid_until__lt=today, valid_until__gte=today - timedelta(days=365)):
        if limit.customer_id in renewed:
            continue
        expired_customers.add(limit.customer_id)
        rows.append(
            ReminderInput(
                Reminder.Kind.LIMIT_EXPIRED,
                limit.customer.owner_id,
                limit.valid_until,
                f"limit_expired:{limit.pk}",
                Words(
                    gettext_noop("Credit limit of %(code)s %(name)s expired on %(date)s"),
                    {"code": limit.customer.code, "name": limit.customer.name, "date": limit.valid_until.isoformat()},
                ),
                limit.customer_id,
            )
        )
    if expired_customers:
        with transaction.atomic():
            credit_profiles_refresh(customer_ids=sorted(expired_customers), today=today)
    return reminders_create(rows)


def credit_report_reminders(*, today: date) -> int:
    """Agency credit reports and bank certificates that expire within the policy's horizon (30 days by default,
    DOMAIN §7); a report counts until the same day for the limit approval (DOMAIN §6.2) and the staleness scan."""
    policy = selectors.policy_current()
    months, days_ahead = policy.credit_report_valid_months, policy.credit_report_reminder_days
    reports = credit_reports_expiring(today=today, until=today + timedelta(days=days_ahead), months=months)
    rows = []
    for document in reports.filter(customer__deleted_at__isnull=True).select_related("customer"):
        expires = credit_report_expires_on(
            valid_until=document.valid_until,
            issued_on=document.issued_on,
            obtained_on=document.obtained_on,
            months=months,
        )
        rows.append(
            ReminderInput(
                Reminder.Kind.CREDIT_REPORT_EXPIRING,
                document.customer.owner_id,
                expires,
                f"report:{document.pk}:{expires.isoformat()}",
                Words(
                    gettext_noop("Credit report of %(code)s %(name)s expires on %(date)s"),
                    {"code": document.customer.code, "name": document.customer.name, "date": expires.isoformat()},
                ),
                document.customer_id,
            )
        )
    return reminders_create(rows)


def reorder_reminders(*, today: date) -> int:
    """DOMAIN §8: a customer and product with 3+ orders whose cycle plus grace has passed with no new order;
    one reminder per cycle (keyed by the last order's date)."""
    lines = (
        OrderLine.objects.filter(
            order__status__in=(Order.Status.OPEN, Order.Status.COMPLETED), order__customer__deleted_at__isnull=True
        )
        .values_list(
            "order__customer_id", "order__customer__owner_id", "order__customer__name", "product", "order__order_date"
        )
        .order_by()
    )
    history: dict[tuple, list[date]] = defaultdict(list)
    for customer_id, owner_id, name, product, order_date in lines.iterator(5000):
        history[(customer_id, owner_id, name, product)].append(order_date)
    rows, policy = [], selectors.policy_current().as_rule()
    for (customer_id, owner_id, name, product), dates in history.items():
        due = reorder_due(dates, today=today, policy=policy)
        if due is not None:
            last = max(dates)
            rows.append(
                ReminderInput(
                    Reminder.Kind.REORDER,
                    owner_id,
                    due,
                    f"reorder:{customer_id}:{product}:{last.isoformat()}",
                    Words(
                        gettext_noop("%(customer)s usually reorders %(product)s by now (last order %(date)s)"),
                        {"customer": name, "product": product, "date": last.isoformat()},
                    ),
                    customer_id,
                )
            )
    return reminders_create(rows)
