"""Browser pages of the archive (DOMAIN §9): parse, call one selector or service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from archives import selectors, services
from archives.forms import (
    AccessLogFilterForm,
    ArchiveDocumentForm,
    BorrowingDecisionForm,
    BorrowingRequestForm,
    DownloadForm,
    HandoverForm,
    NoteForm,
    RegisterFilterForm,
    ScanForm,
)
from archives.messages import access_object_text, refusal_message
from archives.rules.custody import ACTIVE, BorrowingAction
from archives.scans import scan_response
from crm.exports import XLSX_TYPE, Column, Table, csv_lines, xlsx_bytes
from crm.http import http_errors
from crm.models import AccessLog
from crm.roles import role_reason_text
from customers.policy import review_policy
from customers.selectors import DossierPart, dossier_for, dossier_part_read, owner_candidates

VIEW, KEEP = "archives.view_documents", "archives.keep_register"
HANDOVER_CHOICES_SHOWN = 1000


def _page(request, rows, size: int = selectors.PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def register(request):
    if not request.user.has_perm("archives.view_register"):
        raise PermissionDenied
    form = RegisterFilterForm(request.GET)
    form.is_valid()
    window = review_policy().dashboard_expiry_days
    filters = selectors.RegisterFilters(**{k: v for k, v in form.cleaned_data.items() if v}, expiring_days=window)
    today = timezone.localdate()
    page = _page(request, selectors.register_list(user=request.user, filters=filters, today=today))
    documents = selectors.with_status(page, today=today)
    context = {"form": form, "page": page, "documents": documents, "query": _query_without_page(request)}
    return render(request, "archives/register.html", context)


@login_required
@http_errors()
def catalogue(request, code: str):
    """The customer's catalogue 客户档案目录; a fragment for the dossier tab, or a printable page."""
    customer = dossier_part_read(
        user=request.user,
        code=code,
        perm=VIEW,
        part=DossierPart.CATALOGUE,
        channel=AccessLog.Channel.WEB,
        archived=None,
    )
    documents = selectors.catalogue(customer=customer, today=timezone.localdate())
    template = "archives/catalogue_tab.html" if request.headers.get("HX-Request") else "archives/catalogue.html"
    context = {
        "customer": customer,
        "documents": documents,
        "may_keep": request.user.has_perm(KEEP),
        "now": timezone.now(),
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@http_errors()
def document_register(request, code: str):
    customer = dossier_for(user=request.user, code=code, perm=VIEW, archived=None)
    if not request.user.has_perm(KEEP):
        raise PermissionDenied
    form = ArchiveDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = services.archive_document_register(
            customer=customer,
            values=form.values(),
            scan=form.cleaned_data.get("scan"),
            by=request.user,
            today=timezone.localdate(),
        )
        messages.success(request, _("Registered as %(number)s.") % {"number": document.number})
        return redirect("archive_document", number=document.number)
    context = {"customer": customer, "form": form, "heading": _("Register an original"), "submit": _("Register")}
    return render(request, "archives/form.html", context)


@login_required
@http_errors()
def document_detail(request, number: str):
    document = selectors.document_for(user=request.user, number=number)
    (document,) = selectors.with_status([document], today=timezone.localdate())
    context = {
        "document": document,
        "customer": document.customer,
        "borrowings": selectors.document_borrowings(document=document)[:50],
        "events": _page(request, selectors.document_events(document=document)),
        "may_keep": request.user.has_perm(KEEP),
        "request_form": BorrowingRequestForm(),
    }
    return render(request, "archives/document.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@http_errors()
def document_edit(request, number: str):
    document = selectors.document_for(user=request.user, number=number, perm=KEEP)
    form = ArchiveDocumentForm(request.POST or None, instance=document, with_scan=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_document_update(document=document, values=form.values(), by=request.user)
        except services.BorrowingRefused as refused:
            messages.error(request, refusal_message(refused.reason))
        else:
            messages.success(request, _("Register entry saved."))
        return redirect("archive_document", number=number)
    document.refresh_from_db()  # the invalid form must not show half-changed values in the heading
    context = {"customer": document.customer, "document": document, "form": form, "heading": document.number}
    return render(request, "archives/form.html", {**context, "submit": _("Save")})


@login_required
@require_http_methods(["GET", "POST"])
@http_errors()
def scan_upload(request, number: str):
    document = selectors.document_for(user=request.user, number=number, perm=KEEP)
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.archive_scan_attach(document=document, scan=form.cleaned_data["scan"], by=request.user)
        messages.success(request, _("Electronic copy stored."))
        return redirect("archive_document", number=number)
    context = {"customer": document.customer, "document": document, "form": form, "submit": _("Upload")}
    return render(
        request, "archives/form.html", {**context, "heading": _("Electronic copy of %(number)s") % {"number": number}}
    )


@login_required
@require_http_methods(["GET", "POST"])
@http_errors()
def scan_download(request, number: str):
    """GET asks why; POST (with its CSRF token, so no other site can make a user download and leave a log entry)
    streams the scan and logs it (DOMAIN §9). Never a public URL."""
    document = services.archive_document_for_download(user=request.user, number=number)
    if not document.scan:
        raise Http404
    form = DownloadForm(request.POST or None)
    if not form.is_valid():
        context = {"document": document, "customer": document.customer, "form": form}
        return render(request, "archives/download.html", context)
    response = scan_response(document)
    services.archive_scan_download_log(
        document=document, user=request.user, channel=AccessLog.Channel.WEB, reason=form.cleaned_data["reason"]
    )
    return response


@login_required
@require_POST
@http_errors()
def document_mark(request, number: str, missing: str):
    document = selectors.document_for(user=request.user, number=number, perm=KEEP)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("archive_document", number=number)
    try:
        services.archive_document_mark(
            document=document, missing=missing == "missing", note=form.cleaned_data["note"], by=request.user
        )
    except services.BorrowingRefused as refused:
        messages.error(request, refusal_message(refused.reason))
    return redirect("archive_document", number=number)


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@login_required
@require_POST
@http_errors()
def borrowing_request(request, number: str):
    document = selectors.document_for(user=request.user, number=number)
    form = BorrowingRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("archive_document", number=number)
    try:
        services.borrowing_request(document=document, by=request.user, today=timezone.localdate(), **form.cleaned_data)
    except services.BorrowingRefused as refused:
        messages.error(request, refusal_message(refused.reason))
    else:
        messages.success(request, _("Borrowing requested; the archivist decides."))
    return redirect("archive_document", number=number)


@login_required
def borrowings(request):
    today = timezone.localdate()
    stage = request.GET.get("stage", "")
    overdue_on = today if request.GET.get("overdue") == "1" else None
    queue = selectors.borrowing_queue(user=request.user, stage=stage, overdue_on=overdue_on)
    is_archivist = request.user.has_perm(KEEP)
    narrowed = stage in ACTIVE or overdue_on is not None
    context = {"queue": queue, "today": today, "is_archivist": is_archivist, "narrowed": narrowed}
    return render(request, "archives/borrowings.html", context)


@login_required
@require_POST
@http_errors()
def borrowing_step(request, pk: int, action: str):
    if action not in BorrowingAction.__members__.values():
        raise Http404
    borrowing = selectors.borrowing_get(pk=pk)
    if borrowing is None:
        raise Http404
    selectors.document_for(user=request.user, number=borrowing.document.number)
    form = BorrowingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _borrowing_step(request, borrowing, BorrowingAction(action), form.cleaned_data)
    if request.POST.get("next") == "document":
        return redirect("archive_document", number=borrowing.document.number)
    return redirect("archive_borrowings")


def _borrowing_step(request, borrowing, action: BorrowingAction, values: dict) -> None:
    try:
        services.borrowing_step(
            borrowing=borrowing, action=action, by=request.user, today=timezone.localdate(), **values
        )
    except services.BorrowingRefused as refused:
        messages.error(request, refusal_message(refused.reason))
    else:
        messages.success(request, _("Borrowing of %(number)s updated.") % {"number": borrowing.document.number})


@login_required
def access_log(request):
    if not request.user.has_perm("crm.view_access_log"):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET, users=selectors.staff_users())
    filters = (
        selectors.AccessLogFilters(**{k: v for k, v in form.cleaned_data.items() if v}) if form.is_valid() else None
    )
    rows = selectors.access_log_list(filters=filters) if filters else AccessLog.objects.none()
    if request.GET.get("format") in _ACCESS_LOG_FILES and filters:
        return _access_log_file(rows, request.GET["format"])
    page = _page(request, rows)
    for row in page:
        row.object_words, row.reason_words = access_object_text(row.object_ref), role_reason_text(row.reason)
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "archives/access_log.html", context)


_ACCESS_LOG_FILES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


def _access_log_table(rows) -> Table:
    columns = [
        Column("at", _("At")),
        Column("user", _("User")),
        Column("code", _("Customer code")),
        Column("customer", _("Customer")),
        Column("action", _("Action")),
        Column("channel", _("Channel")),
        Column("object", _("Object")),
        Column("reason", _("Reason")),
    ]
    entries = (
        {
            "at": timezone.localtime(row.at).replace(microsecond=0),
            "user": row.user.get_username(),
            "code": row.customer.code if row.customer else "",  # blank for a refusal at a page that is no dossier
            "customer": row.customer.name if row.customer else "",
            "action": row.get_action_display(),
            "channel": row.get_channel_display(),
            "object": access_object_text(row.object_ref),
            "reason": role_reason_text(row.reason),
        }
        for row in rows.iterator(2000)
    )
    return Table(columns=columns, rows=entries)


def _access_log_file(rows, file_format: str):
    """The filtered access log as a CSV (UTF-8 with a BOM, streamed) or XLSX file."""
    table = _access_log_table(rows)
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(table), content_type=_ACCESS_LOG_FILES["csv"])
    else:
        response = HttpResponse(xlsx_bytes(table, title="access log"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="access-log.{file_format}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def handover(request):
    """Handover 移交 (DOMAIN §9) in two steps: choose, then confirm what moves. The rep's customers load by a POST
    that keeps every choice, so neither the reason nor the CSRF token ever reaches the URL."""
    if not request.user.has_perm("archives.hand_over_customers"):
        raise PermissionDenied
    step = _handover_step(request)
    form = _handover_form(request, bound=step in ("review", "confirm"))
    if step in ("review", "confirm") and form.is_valid():
        return _hand_over(request, form) if step == "confirm" else _handover_confirm_page(request, form)
    return render(request, "archives/handover.html", {"form": form, "shown": HANDOVER_CHOICES_SHOWN})


def _handover_step(request) -> str:
    """ "choose" (the empty form, or its choices kept: show the rep's customers, back from the confirmation),
    "review" (the choices sent: confirm them) or "confirm" (move the customers)."""
    if request.method != "POST" or "show" in request.POST or "back" in request.POST:
        return "choose"
    return "confirm" if request.POST.get("confirm") == "1" else "review"


def _handover_form(request, *, bound: bool) -> HandoverForm:
    choices = {
        "owners": selectors.customer_owners(),
        "candidates": owner_candidates(),
        "customer_choices": _handover_choices(request),
    }
    if bound:
        return HandoverForm(request.POST, **choices)
    fields = ("from_owner", "to_owner", "reason", "scope")
    initial = {name: request.POST[name] for name in fields if request.POST.get(name)}
    return HandoverForm(initial=initial | {"customers": request.POST.getlist("customers")}, **choices)


def _handover_confirm_page(request, form: HandoverForm):
    ids = form.customer_ids()
    owner = form.cleaned_data["from_owner"]
    chosen = [label for pk, label in form.fields["customers"].choices if ids is not None and pk in ids]
    count = len(chosen) if ids is not None else selectors.owned_customers(owner=owner).count()
    context = {"form": form, "values": form.cleaned_data, "chosen": chosen, "count": count}
    return render(request, "archives/handover_confirm.html", context)


def _hand_over(request, form: HandoverForm):
    try:
        record = services.customers_hand_over(
            by=request.user, customer_ids=form.customer_ids(), **_handover_values(form)
        )
    except services.HandoverRefused as refused:
        form.add_error(None, refusal_message(refused.reason))
        return render(request, "archives/handover.html", {"form": form, "shown": HANDOVER_CHOICES_SHOWN})
    to_owner = record.to_owner
    text = ngettext(
        "%(count)s customer handed over to %(owner)s.",
        "%(count)s customers handed over to %(owner)s.",
        record.customer_count,
    )
    messages.success(
        request, text % {"count": record.customer_count, "owner": to_owner.get_full_name() or to_owner.get_username()}
    )
    return redirect("archive_handover_detail", pk=record.pk)


def _handover_values(form: HandoverForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("from_owner", "to_owner", "reason")}


def _handover_choices(request) -> list[tuple[int, str]]:
    owner_id = request.POST.get("from_owner") or request.GET.get("from_owner")
    if not (owner_id and owner_id.isdigit()):
        return []
    owner = selectors.customer_owners().filter(pk=owner_id).first()
    if owner is None:
        return []
    customers = selectors.owned_customers(owner=owner)[:HANDOVER_CHOICES_SHOWN]
    return [(c.pk, f"{c.code} {c.name}") for c in customers]


@login_required
def handovers(request):
    if not request.user.has_perm("archives.hand_over_customers"):
        raise PermissionDenied
    since = _date_param(request, "since")
    page = _page(request, selectors.handover_list(since=since))
    context = {"page": page, "since": since, "query": _query_without_page(request)}
    return render(request, "archives/handovers.html", context)


def _date_param(request, name: str) -> date | None:
    """An ISO date from the query, or None when absent or not a date."""
    try:
        return parse_date(request.GET.get(name, ""))
    except ValueError:
        return None


@login_required
def handover_detail(request, pk: int):
    if not request.user.has_perm("archives.hand_over_customers"):
        raise PermissionDenied
    record = get_object_or_404(selectors.handover_list(), pk=pk)
    page = _page(request, selectors.handover_customers(handover=record))
    return render(request, "archives/handover_detail.html", {"handover": record, "page": page})
