"""What each kind of row becomes (``ImportBatch.target``): the fields a column may feed, the dry run, the write
and the undo, each through the owning app's services."""

from imports.models import Target
from imports.targets import contacts, customers
from imports.targets.trade import Orders, Payments

TARGETS = {
    Target.CUSTOMERS.value: customers,
    Target.CONTACTS.value: contacts,
    Target.ORDERS.value: Orders,
    Target.PAYMENTS.value: Payments,
}
