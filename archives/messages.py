"""The words users see when the archive refuses a step (DOMAIN §9); pages and the API share them."""

from django.utils.translation import gettext_lazy as _

from archives.rules.custody import DocumentStatus
from customers.selectors import EXPORT_OBJECT, LIST_OBJECT, PART_LABELS

STATUS_LABELS = {
    DocumentStatus.IN_PLACE: _("In place"),
    DocumentStatus.LENT: _("Lent"),
    DocumentStatus.MISSING: _("Missing"),
    DocumentStatus.EXPIRED: _("Expired"),
}

REFUSALS = {
    "view_only": _("This original is view-only: it may be consulted in the archive but never lent."),
    "already_open": _("This original already has an open borrowing; wait until it is returned or closed."),
    "not_in_place": _("The original is not in its place, so it cannot be lent."),
    "due_past": _("The return date cannot be in the past."),
    "due_too_long": _("The loan is longer than the archive allows."),
    "not_allowed": _("This step is not possible in the borrowing's current state."),
    "archivist_only": _("Only an archivist can take this step."),
    "own_request": _("You cannot decide on, hand over or take back your own borrowing."),
    "not_requester": _("Only the borrower or an archivist can cancel this borrowing."),
    "lent_now": _("The original is out on loan; record its return first."),
    "nothing_to_move": _("The rep handing over owns none of these customers."),
    "not_an_owner": _("The new owner must be an active sales rep or sales manager."),
}


def refusal_message(reason: str) -> str:
    return str(REFUSALS.get(reason, REFUSALS["not_allowed"]))


def access_object_text(object_ref: str) -> str:
    """The access log's object in words: a part of the dossier, the list, a credit document or an original (the
    codes ``customers.selectors`` and the archive services write); anything else as stored."""
    kind, _sep, key = object_ref.partition(":")
    if kind == "archive" and key:
        return str(_("Original %(number)s")) % {"number": key}
    if kind == "credit_document" and key:
        return str(_("Credit document #%(id)s")) % {"id": key}
    if object_ref == LIST_OBJECT:
        return str(_("Customer list"))
    if object_ref == EXPORT_OBJECT:
        return str(_("Customer list export"))
    return str(PART_LABELS.get(object_ref, object_ref))  # DossierPart is a StrEnum: its codes are its keys
