"""Archive services (DOMAIN §9): register, scans, borrowing flow, history, access log, reminders, handover."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError

from archives import services
from archives.models import ArchiveDocument, Borrowing, DocumentEvent
from archives.rules.custody import BorrowingAction
from archives.services.reminders import borrowing_reminders
from crm.models import AccessLog, Reminder
from crm.services import ReminderInput, reminders_create
from customers import services as customer_services
from customers.models import ChangeRecord, Customer
from tests.archives.conftest import TODAY, pdf_upload
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def events(document) -> list[str]:
    return list(DocumentEvent.objects.filter(document=document).order_by("at", "id").values_list("action", flat=True))


@time_machine.travel("2026-11-22 10:00 +08:00")
def test_section_9_register_numbers_follow_the_pattern_and_run_on(customer, archivist, licence):
    second = services.archive_document_register(
        customer=customer,
        values={"doc_type": "contract", "title": "Supply contract", "source": "customer", "room": "A", "cabinet": "4"},
        by=archivist,
        today=TODAY,
    )
    assert licence.number == "ARC-2026-000001"
    assert second.number == "ARC-2026-000002"
    assert events(licence) == ["registered", "scan_uploaded"]
    assert events(second) == ["registered"]


def test_section_9_the_scan_is_stored_under_a_random_name_with_its_checked_type(licence):
    assert licence.scan_name == "licence.pdf"
    assert licence.scan_content_type == "application/pdf"
    assert "licence" not in licence.scan.name  # the client's file name never becomes a storage path
    with licence.scan.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")


def test_section_9_replacing_the_scan_keeps_one_file_and_records_it(
    licence, archivist, django_capture_on_commit_callbacks
):
    old = licence.scan.name
    storage = licence.scan.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_scan_attach(document=licence, scan=pdf_upload("second.pdf"), by=archivist)
    licence.refresh_from_db()
    assert licence.scan_name == "second.pdf"
    assert not storage.exists(old)
    assert events(licence)[-1] == "scan_uploaded"


def test_section_9_a_disguised_script_never_reaches_the_storage(customer, archivist):
    with pytest.raises(ValueError, match="mismatch"):
        services.archive_document_register(
            customer=customer,
            values={"doc_type": "other", "title": "x", "source": "customer", "room": "A", "cabinet": "1"},
            scan=pdf_upload("evil.pdf", b"#!/bin/sh\necho owned\n"),
            by=archivist,
            today=TODAY,
        )
    assert not ArchiveDocument.objects.exists()


def borrow(document, by, *, due_in: int = 7):
    return services.borrowing_request(
        document=document,
        purpose="Check the licence for the bank",
        due_on=TODAY + timedelta(days=due_in),
        by=by,
        today=TODAY,
    )


def test_section_9_full_borrowing_flow_changes_custody_and_logs_every_step(licence, manager, archivist):
    borrowing = borrow(licence, manager)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, note="ok", today=TODAY)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=TODAY)
    licence.refresh_from_db()
    assert licence.custody == "lent"
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.RETURN, by=archivist, today=TODAY)
    licence.refresh_from_db()
    borrowing.refresh_from_db()
    assert licence.custody == "in_place"
    assert borrowing.status == "returned"
    assert (borrowing.decided_by, borrowing.decision_note) == (archivist, "ok")
    assert borrowing.lent_at
    assert borrowing.returned_at
    assert events(licence)[-4:] == ["borrow_requested", "borrow_approved", "lent", "returned"]
    logged = list(AccessLog.objects.order_by("id").values_list("user__username", "action", "object_ref", "reason"))
    assert logged == [
        ("manager", "original_lent", f"archive:{licence.number}", "Check the licence for the bank"),
        ("manager", "original_returned", f"archive:{licence.number}", "Check the licence for the bank"),
    ]


def test_section_9_view_only_originals_cannot_even_be_requested(licence, manager, archivist):
    services.archive_document_update(document=licence, values={"view_only": True}, by=archivist)
    with pytest.raises(services.BorrowingRefused) as refused:
        borrow(licence, manager)
    assert refused.value.reason == "view_only"
    assert not Borrowing.objects.exists()


def test_section_9_view_only_is_enforced_by_the_database_too(licence):
    with pytest.raises(IntegrityError):
        ArchiveDocument.objects.filter(pk=licence.pk).update(view_only=True, custody="lent")


def test_section_9_one_open_borrowing_per_original(licence, manager, credit_manager):
    borrow(licence, manager)
    with pytest.raises(services.BorrowingRefused) as refused:
        borrow(licence, credit_manager)
    assert refused.value.reason == "already_open"
    assert Borrowing.objects.count() == 1


def test_section_9_an_archivist_cannot_approve_their_own_request(licence, archivist, second_archivist):
    borrowing = borrow(licence, archivist)
    with pytest.raises(services.BorrowingRefused) as refused:
        services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=TODAY)
    assert refused.value.reason == "own_request"
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=second_archivist, today=TODAY)
    borrowing.refresh_from_db()
    assert borrowing.status == "approved"


def test_section_9_a_manager_cannot_approve_a_borrowing(licence, rep, manager):
    borrowing = borrow(licence, rep)
    with pytest.raises(services.BorrowingRefused) as refused:
        services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=manager, today=TODAY)
    assert refused.value.reason == "archivist_only"
    borrowing.refresh_from_db()
    assert borrowing.status == "requested"


@pytest.mark.parametrize(("due_in", "reason"), [(-1, "due_past"), (31, "due_too_long")])
def test_section_9_due_date_is_checked(licence, manager, due_in, reason):
    with pytest.raises(services.BorrowingRefused) as refused:
        borrow(licence, manager, due_in=due_in)
    assert refused.value.reason == reason


def test_section_9_a_missing_original_cannot_be_lent_and_found_again_restores_it(licence, manager, archivist):
    services.archive_document_mark(document=licence, missing=True, note="not on shelf", by=archivist)
    with pytest.raises(services.BorrowingRefused):
        borrow(licence, manager)
    services.archive_document_mark(document=licence, missing=False, note="misfiled", by=archivist)
    licence.refresh_from_db()
    assert licence.custody == "in_place"
    assert events(licence)[-2:] == ["marked_missing", "found"]


def test_section_9_a_lent_original_cannot_be_marked_missing_or_view_only(licence, manager, archivist):
    borrowing = borrow(licence, manager)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=TODAY)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=TODAY)
    with pytest.raises(services.BorrowingRefused):
        services.archive_document_mark(document=licence, missing=True, note="", by=archivist)
    with pytest.raises(services.BorrowingRefused):
        services.archive_document_update(document=licence, values={"view_only": True}, by=archivist)


def test_section_9_overdue_borrowings_are_reminded_once_and_closed_by_the_return(licence, manager, archivist):
    borrowing = borrow(licence, manager, due_in=3)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=TODAY)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=TODAY)
    assert borrowing_reminders(today=TODAY + timedelta(days=3)) == 0  # due today: not yet overdue
    assert borrowing_reminders(today=TODAY + timedelta(days=4)) == 2  # the borrower and the archivist
    assert borrowing_reminders(today=TODAY + timedelta(days=5)) == 0  # never twice for the same loan
    reminders = Reminder.objects.filter(kind="borrowing_overdue")
    assert {r.recipient.username for r in reminders} == {"manager", "archivist"}
    assert licence.number in reminders[0].message
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.RETURN, by=archivist, today=TODAY)
    assert set(reminders.values_list("status", flat=True)) == {"done"}


def test_section_9_editing_the_register_records_the_fields_changed(licence, archivist):
    changed = services.archive_document_update(
        document=licence, values={"room": "B", "title": licence.title}, by=archivist
    )
    assert changed == ["room"]
    assert DocumentEvent.objects.filter(document=licence, action="edited").get().note == "room"
    assert services.archive_document_update(document=licence, values={"room": "B"}, by=archivist) == []


def test_section_9_handover_of_all_customers_is_one_recorded_step(
    rep, manager, successor, customer, django_capture_on_commit_callbacks
):
    second = make_customer(owner=rep, name="Second customer")
    stays = make_customer(owner=manager, name="Not the rep's")
    reminders_create([ReminderInput("review_due", rep.pk, TODAY, f"review:{second.pk}", "Review", second.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        handover = services.customers_hand_over(
            from_owner=rep, to_owner=successor, customer_ids=None, reason="Rep left the company", by=manager
        )
    assert handover.customer_count == 2
    assert set(handover.customers.values_list("code", flat=True)) == {customer.code, second.code}
    assert set(Customer.objects.filter(owner=successor).values_list("pk", flat=True)) == {customer.pk, second.pk}
    stays.refresh_from_db()
    assert stays.owner == manager
    history = ChangeRecord.objects.filter(customer=second, section="record").values_list("field", "old", "new")
    assert ("owner", "rep", "successor") in history
    assert ("handover", "", f"#{handover.pk} Rep left the company") in history
    assert Reminder.objects.get(cause_key=f"review:{second.pk}").recipient == successor


def test_section_9_handover_of_some_customers_moves_only_those_owned_by_the_rep(rep, manager, successor, customer):
    second = make_customer(owner=rep, name="Second customer")
    foreign = make_customer(owner=manager, name="Manager's")
    handover = services.customers_hand_over(
        from_owner=rep, to_owner=successor, customer_ids=[second.pk, foreign.pk], reason="Territory", by=manager
    )
    assert list(handover.customers.all()) == [second]
    customer.refresh_from_db()
    assert customer.owner == rep
    second.refresh_from_db()
    assert second.version > 1  # API clients see the change (ETag) and updated_since picks it up


def test_section_9_handover_with_nothing_to_move_records_nothing(rep, manager, successor):
    from archives.models import Handover

    with pytest.raises(services.HandoverRefused):
        services.customers_hand_over(from_owner=rep, to_owner=successor, customer_ids=None, reason="x", by=manager)
    assert not Handover.objects.exists()


def test_section_9_handover_keeps_a_reminder_the_new_owner_already_has(
    rep, manager, successor, customer, django_capture_on_commit_callbacks
):
    for user in (rep, successor):
        reminders_create([ReminderInput("review_due", user.pk, TODAY, f"review:{customer.pk}", "Review", customer.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        services.customers_hand_over(from_owner=rep, to_owner=successor, customer_ids=None, reason="x", by=manager)
    statuses = dict(Reminder.objects.values_list("recipient__username", "status"))
    assert statuses == {"rep": "dismissed", "successor": "open"}


def test_section_9_every_download_is_logged_even_the_owners(licence, rep):
    services.archive_scan_download_log(document=licence, user=rep, channel="web", reason="customer asked")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_ref, entry.reason) == (
        rep,
        "document_download",
        f"archive:{licence.number}",
        "customer asked",
    )


def test_section_9_numbers_restart_in_a_new_year(customer, archivist):
    values = {"doc_type": "invoice", "title": "Invoice", "source": "customer", "room": "A", "cabinet": "1"}
    last = services.archive_document_register(customer=customer, values=values, by=archivist, today=date(2026, 12, 31))
    first = services.archive_document_register(customer=customer, values=values, by=archivist, today=date(2027, 1, 1))
    assert (last.number, first.number) == ("ARC-2026-000001", "ARC-2027-000001")


def test_section_9_the_archivist_may_shorten_the_loan_but_not_into_the_past(licence, manager, archivist):
    borrowing = borrow(licence, manager, due_in=10)
    with pytest.raises(services.BorrowingRefused) as refused:
        services.borrowing_step(
            borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, due_on=date(2000, 1, 1), today=TODAY
        )
    assert refused.value.reason == "due_past"
    borrowing.refresh_from_db()
    assert borrowing.status == "requested"
    shorter = TODAY + timedelta(days=2)
    services.borrowing_step(
        borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, due_on=shorter, today=TODAY
    )
    borrowing.refresh_from_db()
    assert (borrowing.status, borrowing.due_on) == ("approved", shorter)


def test_section_9_handover_only_to_an_active_sales_owner(rep, manager, customer, archivist):
    with pytest.raises(services.HandoverRefused) as refused:
        services.customers_hand_over(from_owner=rep, to_owner=archivist, customer_ids=None, reason="x", by=manager)
    assert refused.value.reason == "not_an_owner"
    customer.refresh_from_db()
    assert customer.owner == rep


def test_section_9_a_borrowing_reminder_stays_with_the_borrower_after_a_handover(rep, manager, successor, customer):
    reminders_create([ReminderInput("borrowing_overdue", rep.pk, TODAY, "borrowing:1", "Return it", customer.pk)])
    services.customers_hand_over(from_owner=rep, to_owner=successor, customer_ids=None, reason="x", by=manager)
    assert Reminder.objects.get(kind="borrowing_overdue").recipient == rep


def test_section_9_a_single_owner_change_moves_the_open_reminders_too(
    rep, manager, successor, customer, django_capture_on_commit_callbacks
):
    reminders_create([ReminderInput("review_due", rep.pk, TODAY, f"review:{customer.pk}", "Review", customer.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_reassign(customer=customer, new_owner=successor, by=manager, today=TODAY)
    assert Reminder.objects.get(kind="review_due").recipient == successor


def test_section_9_an_original_lost_on_loan_ends_the_loan_and_is_listed_missing(licence, manager, archivist):
    borrowing = borrow(licence, manager, due_in=3)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=TODAY)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=TODAY)
    assert borrowing_reminders(today=TODAY + timedelta(days=4)) == 2
    services.borrowing_step(
        borrowing=borrowing, action=BorrowingAction.LOSE, by=archivist, note="left in a taxi", today=TODAY
    )
    licence.refresh_from_db()
    borrowing.refresh_from_db()
    assert (licence.custody, borrowing.status) == ("missing", "lost")
    assert events(licence)[-1] == "lost"
    assert set(Reminder.objects.filter(kind="borrowing_overdue").values_list("status", flat=True)) == {"done"}
    services.archive_document_mark(document=licence, missing=False, note="found", by=archivist)
    licence.refresh_from_db()
    assert licence.custody == "in_place"


def test_section_9_handing_over_after_the_return_date_passed_needs_a_new_date(licence, manager, archivist):
    borrowing = borrow(licence, manager, due_in=1)
    services.borrowing_step(borrowing=borrowing, action=BorrowingAction.APPROVE, by=archivist, today=TODAY)
    Borrowing.objects.filter(pk=borrowing.pk).update(due_on=TODAY - timedelta(days=1))
    with pytest.raises(services.BorrowingRefused) as refused:
        services.borrowing_step(borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, today=TODAY)
    assert refused.value.reason == "due_past"
    new_date = TODAY + timedelta(days=5)
    services.borrowing_step(
        borrowing=borrowing, action=BorrowingAction.LEND, by=archivist, due_on=new_date, today=TODAY
    )
    borrowing.refresh_from_db()
    assert (borrowing.status, borrowing.due_on) == ("lent", new_date)


def test_section_9_a_failed_registration_leaves_no_scan_file_behind(customer, archivist, tmp_path):
    values = {"doc_type": "contract", "title": "x", "source": "customer", "room": "A", "cabinet": "1",
              "issued_on": date(2024, 5, 1), "expires_on": date(2024, 4, 1)}  # fmt: skip
    with pytest.raises(IntegrityError):
        services.archive_document_register(
            customer=customer, values=values, scan=pdf_upload(), by=archivist, today=TODAY
        )
    stored = [path for path in (tmp_path / "archives").rglob("*") if path.is_file()]
    assert stored == []
