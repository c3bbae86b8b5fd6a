"""A small portfolio with something on every role's dashboard (issue 14), shared by the page tests and the browser
test. ``scale`` repeats it: the dashboard's queries must not grow with it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F

from archives.models import ArchiveDocument, Borrowing, Handover
from credit import services as credit_services
from credit.models import CreditLimitRequest, CreditProfile, Order
from crm import roles
from crm.models import Reminder
from customers.models import CreditDocument, Customer, Interaction, ReviewState
from tests.factories import UserFactory, make_customer, place_order

TODAY = date(2026, 11, 22)


@dataclass
class World:
    users: dict


def build(*, scale: int = 1, users: dict | None = None) -> World:
    """Per round: a rep's complete and incomplete dossiers, one stale, one due for review; a held order; a reorder
    and an overdue reminder; a profile with a limit ending soon and one needing an assessment; a credit report
    running out; an open and an answered complaint; a borrowing requested, one overdue; an original expiring."""
    users = users or {
        "rep": UserFactory(username="rep", role=roles.SALES),
        "rep2": UserFactory(username="rep2", role=roles.SALES),
        "manager": UserFactory(username="manager", role=roles.SALES_MANAGER),
        "service": UserFactory(username="service", role=roles.CUSTOMER_SERVICE),
        "analyst": UserFactory(username="analyst", role=roles.CREDIT_ANALYST),
        "cm": UserFactory(username="cm", role=roles.CREDIT_MANAGER),
        "archivist": UserFactory(username="archivist", role=roles.ARCHIVIST),
    }
    for round_ in range(scale):
        _round(users, round_)
    return World(users)


def _round(users: dict, n: int) -> None:
    rep, rep2 = users["rep"], users["rep2"]
    plain = make_customer(owner=rep, name=f"上海阀门 {n}")
    complete = make_customer(owner=rep, name=f"杭州化工 {n}")
    Customer.objects.filter(pk=complete.pk).update(completeness=100)  # as if every required field were filled
    stale = make_customer(owner=rep, name=f"宁波管件 {n}")
    ReviewState.objects.filter(customer=stale).update(is_stale=True)
    due = make_customer(owner=rep2, name=f"温州泵业 {n}", size="medium")
    ReviewState.objects.filter(customer=due).update(next_review_due=TODAY + timedelta(days=5))
    place_order(plain, by=rep, amount="5000", order_date=TODAY, today=TODAY)  # no limit: held
    Order.objects.create(  # delivered in spring, never paid: over 90 days past due
        customer=complete, number=f"T{complete.pk}", order_date=TODAY - timedelta(days=200),
        due_date=TODAY - timedelta(days=170), amount=Decimal(9000), status="completed", created_by=rep,
    )  # fmt: skip
    credit_services.credit_profile_refresh(customer=complete, today=TODAY)  # as every ledger write does
    Reminder.objects.create(
        kind="reorder", recipient=rep, customer=plain, due_on=TODAY, cause_key=f"r{plain.pk}", message="x"
    )
    Reminder.objects.create(
        kind="review_overdue", recipient=rep2, customer=due, due_on=TODAY - timedelta(days=3), cause_key=f"o{due.pk}",
        message="Review overdue",
    )  # fmt: skip
    _credit(users, plain, stale, due)
    _complaints(users, plain, stale)
    _archive(users, plain, plain.pk)


def _credit(users: dict, plain, stale, due) -> None:
    CreditProfile.objects.update_or_create(
        customer=plain, defaults={"tier": "A", "payment_grade": "jia", "credit_limit": Decimal(80_000),
                                  "limit_valid_until": TODAY + timedelta(days=10)},
    )  # fmt: skip
    CreditProfile.objects.update_or_create(
        customer=stale, defaults={"tier": "A", "payment_grade": "jia", "credit_limit": Decimal(50_000),
                                  "limit_valid_until": TODAY + timedelta(days=20)},
    )  # fmt: skip
    CreditLimitRequest.objects.create(
        customer=stale, amount=Decimal(60_000), reason="renewal", requested_by=users["analyst"],
        recommended_limit=Decimal(60_000),
    )  # fmt: skip
    CreditProfile.objects.update_or_create(
        customer=due, defaults={"tier": "C", "payment_grade": "ding", "investigation_required": True}
    )
    CreditDocument.objects.create(
        customer=due,
        doc_type="credit_report",
        title="Report",
        source="credit_agency",
        obtained_on=TODAY - timedelta(days=170),
        issued_on=TODAY - timedelta(days=170),
    )  # fmt: skip  (6 months' validity: it runs out within 30 days)


def _complaints(users: dict, plain, stale) -> None:
    author = users["service"]
    Interaction.objects.create(
        customer=plain, kind="complaint", occurred_on=TODAY - timedelta(days=12), subject="Leaking valve", author=author
    )
    Interaction.objects.create(
        customer=stale, kind="complaint", occurred_on=TODAY - timedelta(days=30), subject="Late delivery", author=author
    )
    Interaction.objects.create(
        customer=stale, kind="service", occurred_on=TODAY - timedelta(days=28), subject="Apologised", author=author
    )


def _archive(users: dict, customer, n: int) -> None:
    keeper = users["archivist"]

    def original(number: str, **values) -> ArchiveDocument:
        return ArchiveDocument.objects.create(
            number=f"ARC-T-{n}-{number}", customer=customer, doc_type="contract", title=number, source="customer",
            room="A", cabinet="1", registered_by=keeper, view_only=False, **values,
        )  # fmt: skip

    original("expiring", expires_on=TODAY + timedelta(days=7))
    original("later", expires_on=TODAY + timedelta(days=300))
    Borrowing.objects.create(document=original("asked"), borrower=users["manager"], purpose="bank", due_on=TODAY)
    Borrowing.objects.create(
        document=original("out", custody="lent"), borrower=users["manager"], purpose="audit", status="lent",
        due_on=TODAY - timedelta(days=2),
    )  # fmt: skip
    Borrowing.objects.filter(status="lent").update(lent_at=F("requested_at"))
    Handover.objects.create(from_owner=users["rep2"], to_owner=users["rep"], by=users["manager"], reason="moved")
