"""Import of contacts (DOMAIN §2.3): each row names its customer; a contact of that name is updated, else added."""

import pytest
from django.utils import timezone

from customers import services as customer_services
from customers.models import ChangeRecord, Contact
from imports import services
from imports.models import ImportBatch
from tests.factories import make_customer
from tests.imports.conftest import csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def checked(user, content, name="contacts.csv"):
    batch = services.import_upload(upload=upload(name, content), target="contacts", mapping=None, by=user)
    return services.import_check(batch_id=batch.pk, today=timezone.localdate())


def imported(batch, user):
    services.import_confirm(batch=batch, by=user, create_duplicates=False)
    return services.import_run(batch_id=batch.pk, today=timezone.localdate())


def test_contacts_are_added_updated_reimported_unchanged_and_undone(rep):
    customer = make_customer(owner=rep, name="杭州东方化工", external_id="E-1")
    customer_services.contact_save(customer=customer, values={"name": "王芳", "title": "采购"}, by=rep)
    rows = [
        ["客户编号", "customer_external_id", "name", "title", "mobile", "birthday"],
        [customer.code, "", "王芳", "采购经理", "13800000001", ""],
        ["", "E-1", "李强", "总经理", "13800000002", "1975-03-08"],
        ["C999999", "", "赵六", "", "", ""],
    ]
    batch = checked(rep, xlsx_bytes(rows), name="contacts.xlsx")
    assert batch.mapping["客户编号"] == "customer"  # the label of the key in Chinese
    assert batch.summary == {"create": 1, "update": 1, "unchanged": 0, "invalid": 1, "suspected_duplicates": 0}
    assert batch.row_set.get(number=4).errors == {"customer": ["No such customer."]}

    batch = imported(batch, rep)
    assert Contact.objects.get(customer=customer, name="王芳").title == "采购经理"
    assert str(Contact.objects.get(customer=customer, name="李强").birthday) == "1975-03-08"
    assert ChangeRecord.objects.filter(customer=customer, section="contacts").exists()

    again = checked(rep, xlsx_bytes(rows), name="contacts.xlsx")
    assert again.summary["unchanged"] == 2

    services.import_undo(batch=batch, by=rep, today=timezone.localdate())
    assert list(Contact.objects.filter(customer=customer).values_list("name", "title")) == [("王芳", "采购")]
    assert ImportBatch.objects.get(pk=batch.pk).status == "undone"


def test_undo_of_contacts_is_refused_after_a_later_change_of_the_dossier(rep):
    customer = make_customer(owner=rep, name="宁波港机")
    batch = imported(checked(rep, csv_bytes([["customer", "name"], [customer.code, "陈静"]])), rep)
    customer_services.contact_save(customer=customer, values={"name": "另一位"}, by=rep)
    with pytest.raises(services.ImportRefused) as refused:
        services.import_undo(batch=batch, by=rep, today=timezone.localdate())
    assert refused.value.rows == [2]
    assert Contact.objects.filter(name="陈静").exists()


def test_a_rep_cannot_add_contacts_to_another_reps_customer(rep, other_rep):
    theirs = make_customer(owner=other_rep, name="别人的")
    batch = checked(rep, csv_bytes([["customer", "name"], [theirs.code, "张三"]]))
    assert batch.summary["invalid"] == 1
    imported(batch, rep)
    assert not Contact.objects.filter(customer=theirs).exists()
