"""Browser pages of the dossier: parse, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm.access import interaction_kinds_allowed
from crm.http import http_errors
from crm.models import AccessLog
from crm.services import access_log_record
from customers import selectors, services
from customers.forms import (
    ContactForm,
    CreditDocumentForm,
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerIdentityForm,
    DossierVersionForm,
    FinancialFiguresForm,
    InteractionForm,
    ReassignForm,
    ReviewForm,
    section_form_class,
)
from customers.models import Contact, CreditDocument, Customer, Section
from customers.policy import review_policy
from customers.sections import SECTION_MODELS, field_label, history_rows, section_values

PERMS = {
    "view": "customers.view_dossier",
    "edit": "customers.edit_dossier",
    "edit_credit": "customers.edit_credit_data",
    "interact": "customers.record_interaction",
    "review": "customers.review_dossier",
    "archive": "customers.archive_customer",
    "reassign": "customers.reassign_customer",
    "merge": "customers.merge_customers",
    "documents": "archives.view_documents",
}


def _archived(request) -> bool | None:
    """Sales managers also reach archived dossiers (to restore them); everyone else only live ones."""
    return None if request.user.has_perm(PERMS["archive"]) else False


def _customer(request, code: str, perm: str = "customers.list_customers") -> Customer:
    """The dossier behind ``code`` for a write; 404 if the user may not list it, 403 without ``perm``."""
    with http_errors():
        return selectors.dossier_for(user=request.user, code=code, perm=perm, archived=_archived(request))


def _read(request, code: str, part: selectors.DossierPart = selectors.DossierPart.WHOLE) -> selectors.Dossier:
    """The dossier (or one part of it) as the user may see it, logged (DOMAIN §1); 404 / 403 as for a write."""
    with http_errors():
        return selectors.dossier_read(
            user=request.user,
            code=code,
            channel=AccessLog.Channel.WEB,
            today=timezone.localdate(),
            part=part,
            archived=_archived(request),
        )


def _may(user, customer: Customer) -> dict[str, bool]:
    return {key: user.has_perm(perm, customer) for key, perm in PERMS.items()}


@login_required
def dashboard(request):
    board = selectors.dashboard_for(user=request.user, today=timezone.localdate(), policy=review_policy())
    return render(request, "customers/dashboard.html", {"board": board})


def _filters(form: CustomerFilterForm, *, may_see_archived: bool) -> selectors.CustomerFilters:
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    stale, core = data.pop("stale", None), data.pop("is_core", None)
    archived = form.data.get("archived") == "1" and may_see_archived
    return selectors.CustomerFilters(
        **data,
        is_stale=None if stale is None else stale == "1",
        is_core=None if core is None else core == "1",
        archived=archived,
    )


@login_required
def customer_list(request):
    if not request.user.has_perm("customers.list_customers"):
        raise PermissionDenied
    form = CustomerFilterForm(request.GET, owners=selectors.owner_candidates())
    filters = _filters(form, may_see_archived=request.user.has_perm(PERMS["archive"]))
    customers = selectors.customer_list(user=request.user, filters=filters)
    page = Paginator(customers, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.dossier_rows(user=request.user, customers=page, channel=AccessLog.Channel.WEB)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": query.urlencode(),
        "export_rows": selectors.EXPORT_ROWS,
    }
    return render(request, "customers/customer_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    if not request.user.has_perm("customers.create_customer"):
        raise PermissionDenied
    owners = selectors.owner_candidates() if request.user.has_perm("customers.choose_owner") else None
    form = CustomerCreateForm(request.POST or None, owners=owners)
    suspects = []
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        owner = values.pop("owner", None)
        # DOMAIN §2.3: a likely duplicate is shown first; the user may confirm creating the customer anyway
        if request.POST.get("create_anyway") != "1":
            suspects = _duplicate_suspects(request, values)
        if not suspects:
            return _create(request, form, owner, values)
    return render(request, "customers/customer_create.html", {"form": form, "suspects": suspects})


def _duplicate_suspects(request, values: dict) -> list[selectors.DuplicateSuspect]:
    return selectors.duplicate_suspects(
        user=request.user, name=values["name"], phone=values.get("phone"), region=values.get("region")
    )


def _create(request, form, owner, values: dict):
    try:
        customer = services.customer_create(by=request.user, owner=owner, values=values, today=timezone.localdate())
    except services.DossierRefused as refusal:
        _refusal_on_form(form, refusal)
    else:
        message = _("Customer %(code)s created. Now fill in its dossier.") % {"code": customer.code}
        messages.success(request, message)
        return redirect("customer_detail", code=customer.code)
    return render(request, "customers/customer_create.html", {"form": form, "suspects": []})


def _refusal_on_form(form, refusal) -> None:
    """The write path's refusal (uniqueness, owner) shown on the form's fields, in its own neutral words."""
    for field, errors in refusal.errors.items():
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, str(error))


@login_required
def customer_detail(request, code: str):
    try:
        dossier = _read(request, code)
    except Http404:
        dossier = None
    if dossier is None or dossier.customer.merged_into_id is not None:  # DOMAIN §2.3: a merged code stays findable
        survivor = selectors.merged_into_code(user=request.user, code=code)
        if survivor is None:
            raise Http404
        return redirect("customer_detail", code=survivor)
    return render(request, "customers/customer_detail.html", _detail_context(request, dossier))


def _detail_context(request, dossier: selectors.Dossier) -> dict:
    customer, full = dossier.customer, not dossier.masked
    missing = services.customer_missing_fields(customer, has_contacts=bool(dossier.contacts)) if full else []
    return {
        "dossier": dossier,
        "customer": customer,
        "may": _may(request.user, customer),
        "masked": dossier.masked,
        "today": timezone.localdate(),
        "review_form": ReviewForm(),
        "sections": [(s, Section(s).label, section_values(customer, s)) for s in SECTION_MODELS] if full else [],
        "rows": history_rows(dossier.history),
        "missing": [_missing_label(name) for name in missing],
    }


def _missing_label(name: str) -> str:
    """ "basic.legal_representative" → "Legal representative"; "contacts" → "Contacts"."""
    if "." not in name:
        return str(Section(name).label) if name in Section.values else name
    section, field = name.split(".", 1)
    return field_label(Section.BASIC if section == "customer" else section, field)


def _section_forms(section: str, customer: Customer, data=None) -> list:
    row = getattr(customer, section)
    forms = [section_form_class(section, customer.kind)(data, instance=row, prefix="section")]
    if section == Section.BASIC:
        forms.insert(0, CustomerIdentityForm(data, instance=customer, kind=customer.kind, prefix="customer"))
    if section == Section.OPERATING_STATUS:
        latest = services.latest_figures(customer)
        forms.append(FinancialFiguresForm(data, latest=latest, prefix="figures"))
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, code: str, section: str):
    if section not in SECTION_MODELS:
        raise Http404
    customer = _customer(request, code, PERMS["edit"])
    version = DossierVersionForm(request.POST or None, customer=customer)
    forms = _section_forms(section, customer, request.POST or None)
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            _save_section(request, customer, section, forms, expected_version=version.expected_version())
        except services.VersionConflict:
            return _stale_section(request, code, section)
        except services.DossierRefused as refusal:
            _refusal_on_form(forms[0], refusal)
            return _section_page(request, customer, section, forms, version)
        messages.success(request, _("%(section)s saved.") % {"section": Section(section).label})
        return redirect(f"{customer_url(customer)}#{section}")
    return _section_page(request, customer, section, forms, version)


def _section_page(request, customer: Customer, section: str, forms: list, version, status: int = 200):
    context = {
        "customer": customer,
        "section": section,
        "section_label": Section(section).label,
        "forms": forms,
        "version_form": version,
    }
    return render(request, "customers/section_form.html", context, status=status)


def _stale(request) -> None:
    """The message of a save refused because the dossier changed since the form was loaded (issue 16 point 7)."""
    messages.error(
        request,
        _(
            "Nothing was saved: someone else changed this dossier after you opened this form. "
            "The form now shows the current values; please make your changes again."
        ),
    )


def _stale_section(request, code: str, section: str):
    """Nothing written; the form again with the dossier's current values and version, 409."""
    _stale(request)
    customer = _customer(request, code, PERMS["edit"])
    forms = _section_forms(section, customer)
    return _section_page(request, customer, section, forms, DossierVersionForm(customer=customer), status=409)


def _save_section(request, customer: Customer, section: str, forms: list, *, expected_version: int) -> None:
    values = {}
    for form in forms:
        if not isinstance(form, FinancialFiguresForm):
            values.update(form.cleaned_data)
    if section == Section.OPERATING_STATUS:
        figures = forms[-1]
        services.operating_status_update(
            customer=customer,
            values=values,
            figures=figures.figures(),
            source=figures.cleaned_data["source"],
            by=request.user,
            today=timezone.localdate(),
            expected_version=expected_version,
        )
    else:
        services.dossier_section_update(
            customer=customer,
            section=section,
            values=values,
            by=request.user,
            today=timezone.localdate(),
            expected_version=expected_version,
        )


def customer_url(customer: Customer) -> str:
    return reverse("customer_detail", kwargs={"code": customer.code})


def _simple_form(request, customer: Customer, form, heading: str, submit_label: str, anchor: str, **extra):
    status = extra.pop("status", 200)
    context = {"customer": customer, "form": form, "heading": heading, "submit_label": submit_label, "anchor": anchor}
    return render(request, "customers/simple_form.html", context | extra, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, code: str, contact_id: int | None = None):
    customer = _customer(request, code, PERMS["edit"])
    contact = get_object_or_404(Contact, pk=contact_id, customer=customer) if contact_id else None
    version = DossierVersionForm(request.POST or None, customer=customer)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            expected = version.expected_version()
            services.contact_save(
                customer=customer, contact=contact, values=values, by=request.user, expected_version=expected
            )
        except services.VersionConflict:
            return _stale_contact(request, code, contact_id)
        messages.success(request, _("Contact saved."))
        return redirect(f"{customer_url(customer)}#contacts")
    return _contact_page(request, customer, contact, form, version)


def _contact_page(request, customer: Customer, contact: Contact | None, form, version, status: int = 200):
    heading = _("Edit contact %(name)s") % {"name": contact.name} if contact else _("Add contact")
    return _simple_form(
        request, customer, form, heading, _("Save contact"), "contacts", version_form=version, status=status
    )


def _stale_contact(request, code: str, contact_id: int | None):
    """Nothing written; the contact form again with the current contact and the dossier's version, 409."""
    _stale(request)
    customer = _customer(request, code, PERMS["edit"])
    contact = get_object_or_404(Contact, pk=contact_id, customer=customer) if contact_id else None
    version = DossierVersionForm(customer=customer)
    return _contact_page(request, customer, contact, ContactForm(instance=contact), version, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, code: str, contact_id: int):
    customer = _customer(request, code, PERMS["edit"])
    contact = get_object_or_404(Contact, pk=contact_id, customer=customer)
    status = 200
    if request.method == "POST":
        try:
            expected = DossierVersionForm(request.POST, customer=customer).expected_version()
            services.contact_delete(contact=contact, by=request.user, expected_version=expected)
        except services.VersionConflict:
            _stale(request)
            customer, status = _customer(request, code, PERMS["edit"]), 409
        else:
            messages.success(request, _("Contact removed."))
            return redirect(f"{customer_url(customer)}#contacts")
    context = {
        "customer": customer,
        "title": _("Remove contact %(name)s?") % {"name": contact.name},
        "message": _("The contact is deleted from the dossier; the change history keeps a record of it."),
        "confirm_label": _("Remove contact"),
        "version_form": DossierVersionForm(customer=customer),
    }
    return render(request, "customers/confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_create(request, code: str):
    customer = _customer(request, code, PERMS["interact"])
    allowed = interaction_kinds_allowed(request.user, customer)
    form = InteractionForm(request.POST or None, allowed_kinds=allowed)
    if request.method == "POST" and form.is_valid():
        services.interaction_record(customer=customer, by=request.user, today=timezone.localdate(), **form.cleaned_data)
        messages.success(request, _("Interaction recorded."))
        return redirect(f"{customer_url(customer)}#interactions")
    return _simple_form(request, customer, form, _("Record interaction"), _("Record"), "interactions")


@login_required
def interaction_list(request, code: str):
    customer = _read(request, code, selectors.DossierPart.INTERACTIONS).customer
    page = Paginator(selectors.interaction_list(customer=customer), 50).get_page(request.GET.get("page"))
    return render(request, "customers/interaction_list.html", {"customer": customer, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def credit_document_create(request, code: str):
    customer = _customer(request, code, PERMS["edit_credit"])
    form = CreditDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.credit_document_add(
            customer=customer, values=form.values(), by=request.user, today=timezone.localdate()
        )
        messages.success(request, _("Document added to the credit data."))
        return redirect(f"{customer_url(customer)}#credit_data")
    return _simple_form(request, customer, form, _("Add credit document"), _("Add document"), "credit_data")


@login_required
def credit_document_file(request, code: str, document_id: int):
    customer = _customer(request, code, PERMS["view"])
    document = get_object_or_404(CreditDocument, pk=document_id, customer=customer)
    if not document.file:
        raise Http404
    access_log_record(
        user=request.user,
        customer=customer,
        channel=AccessLog.Channel.WEB,
        action=AccessLog.Action.DOCUMENT_DOWNLOAD,
        object_ref=f"credit_document:{document.pk}",
        owner_too=True,  # every download of a document is logged, the owner's too (DOMAIN §9)
    )
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def history(request, code: str):
    customer = _read(request, code, selectors.DossierPart.HISTORY).customer
    page = Paginator(selectors.change_history(customer=customer), 50).get_page(request.GET.get("page"))
    rows = history_rows(page)
    return render(request, "customers/history.html", {"customer": customer, "page": page, "rows": rows})


@login_required
@require_POST
def review_record(request, code: str):
    customer = _customer(request, code, PERMS["review"])
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("sections", [])) or _("The review could not be saved."))
        return redirect(f"{customer_url(customer)}#reviews")
    services.dossier_review_record(
        customer=customer,
        by=request.user,
        today=timezone.localdate(),
        policy=review_policy(),
        **form.cleaned_data,
    )
    messages.success(request, _("Review recorded; the next one is due in the regular cycle."))
    return redirect(customer_url(customer))


@login_required
@require_http_methods(["GET", "POST"])
def customer_reassign(request, code: str):
    customer = _customer(request, code, PERMS["reassign"])
    form = ReassignForm(request.POST or None, owners=selectors.owner_candidates(), initial={"owner": customer.owner})
    if request.method == "POST" and form.is_valid():
        services.customer_reassign(
            customer=customer, new_owner=form.cleaned_data["owner"], by=request.user, today=timezone.localdate()
        )
        messages.success(request, _("Owner changed."))
        return redirect(customer_url(customer))
    return _simple_form(request, customer, form, _("Change owner"), _("Change owner"), "")


@login_required
@require_http_methods(["GET", "POST"])
def customer_archive(request, code: str):
    customer = _customer(request, code, PERMS["archive"])
    if request.method == "POST":
        services.customer_archive(customer=customer, by=request.user)
        messages.success(request, _("Customer %(code)s archived.") % {"code": customer.code})
        return redirect("customer_list")
    context = {
        "customer": customer,
        "title": _("Archive %(name)s?") % {"name": customer.name},
        "message": _("The dossier leaves the customer list. Nothing is deleted: a sales manager can restore it."),
        "confirm_label": _("Archive dossier"),
    }
    return render(request, "customers/confirm.html", context)


@login_required
@require_POST
def customer_restore(request, code: str):
    customer = _customer(request, code, PERMS["archive"])
    try:
        services.customer_restore(customer=customer, by=request.user)
    except services.DossierRefused as refusal:
        messages.error(request, refusal.errors["detail"][0])
    else:
        messages.success(request, _("Customer %(code)s restored.") % {"code": customer.code})
    return redirect(customer_url(customer))
