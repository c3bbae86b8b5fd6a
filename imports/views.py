"""Browser pages of imports (DOMAIN §2.3): upload, map, dry run, confirm, progress, result, undo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.errors import AccessDenied
from crm.http import http_errors
from imports import selectors, services, tasks
from imports.files import ImportFileError
from imports.forms import ConfirmForm, MappingForm, SaveMappingForm, UploadForm
from imports.models import ImportBatch

RUNNING = {ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING}


def _may_view(request) -> None:
    if not request.user.has_perm("imports.view_imports"):
        raise PermissionDenied


@login_required
def import_list(request):
    """Upload a file; the imports so far, each with its result and undo."""
    _may_view(request)
    form = UploadForm(request.POST or None, request.FILES or None, mappings=selectors.saved_mappings())
    if request.method == "POST" and form.is_valid():
        saved = form.cleaned_data["saved_mapping"]
        try:
            batch = services.import_upload(
                upload=form.cleaned_data["file"],
                target=form.cleaned_data["target"],
                mapping=saved.mapping if saved else None,
                by=request.user,
            )
        except AccessDenied as refusal:  # a role that imports some records but not these
            form.add_error("target", str(refusal))
        except (ImportFileError, services.ImportRefused) as refusal:
            form.add_error("file" if isinstance(refusal, ImportFileError) else None, refusal.message)
        else:
            tasks.check_now_or_later(batch, today=timezone.localdate())
            return redirect("import_detail", pk=batch.pk)
    page = Paginator(selectors.import_scope(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"form": form, "page": page})


def _error_lines(errors: dict, labels: dict[str, str], prefix: str = "") -> list[tuple[str, list]]:
    """A row's errors as (field label, messages), section errors flattened (``basic`` → ``basic.postcode``)."""
    lines = []
    for name, words in errors.items():
        if isinstance(words, dict):
            lines += _error_lines(words, labels, f"{prefix}{name}.")
        else:
            lines.append((labels.get(f"{prefix}{name}", _("Row") if name == "detail" else name), words))
    return lines


def _detail_context(request, batch: ImportBatch, mapping_form: MappingForm | None = None) -> dict:
    choices = selectors.field_choices(target=batch.target)
    labels = dict(choices)
    report = selectors.import_report(batch=batch)
    return {
        "batch": batch,
        "running": batch.status in RUNNING,
        "report": report,
        "bad_rows": [(e["row"], _error_lines(e["errors"], labels)) for e in report.errors],
        "mapping_form": mapping_form or MappingForm(headers=batch.headers, choices=choices, mapping=batch.mapping),
        "save_form": SaveMappingForm(),
        "confirm_form": ConfirmForm(),
    }


@login_required
@http_errors()
def import_detail(request, pk: int):
    """The batch: its progress while it runs, else the mapping and the dry run (checked) or the result."""
    batch = selectors.import_get(user=request.user, pk=pk)
    return render(request, "imports/detail.html", _detail_context(request, batch))


@login_required
@http_errors()
def import_progress(request, pk: int):
    """The progress bar, polled by htmx; once the work is finished the page reloads to show the result."""
    batch = selectors.import_get(user=request.user, pk=pk)
    if batch.status not in RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"batch": batch, "running": True})


@require_POST
@login_required
@http_errors()
def import_remap(request, pk: int):
    batch = selectors.import_get(user=request.user, pk=pk)
    choices = selectors.field_choices(target=batch.target)
    form = MappingForm(request.POST, headers=batch.headers, choices=choices, mapping=batch.mapping)
    if not form.is_valid():
        return render(request, "imports/detail.html", _detail_context(request, batch, form), status=400)
    try:
        batch = services.import_remap(batch=batch, mapping=form.mapping(), by=request.user)
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        tasks.check_now_or_later(batch, today=timezone.localdate())
    return redirect("import_detail", pk=pk)


@require_POST
@login_required
@http_errors()
def mapping_save(request, pk: int):
    batch = selectors.import_get(user=request.user, pk=pk)
    form = SaveMappingForm(request.POST)
    if form.is_valid():
        services.mapping_save(
            target=batch.target, name=form.cleaned_data["name"], mapping=batch.mapping, by=request.user
        )
        messages.success(request, _("Mapping saved as “%(name)s”.") % {"name": form.cleaned_data["name"]})
    return redirect("import_detail", pk=pk)


@require_POST
@login_required
@http_errors()
def import_confirm(request, pk: int):
    batch = selectors.import_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        batch = services.import_confirm(
            batch=batch, by=request.user, create_duplicates=form.cleaned_data.get("create_duplicates", False)
        )
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        tasks.run_now_or_later(batch, today=timezone.localdate())
    return redirect("import_detail", pk=pk)


@require_POST
@login_required
@http_errors()
def import_undo(request, pk: int):
    batch = selectors.import_get(user=request.user, pk=pk)
    try:
        services.import_undo(batch=batch, by=request.user, today=timezone.localdate())
    except services.ImportRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The import was undone."))
    return redirect("import_detail", pk=pk)
