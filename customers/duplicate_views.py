"""Browser pages for duplicates and merge (DOMAIN §2.3): the possible-duplicates list and the merge page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.http import http_errors
from customers import selectors, services
from customers.forms import MergeForm
from customers.sections import field_label
from customers.services.merge import MergeRefused, customer_merge, field_value, fields_differing

MERGE_PERM = "customers.merge_customers"
PAIRS_PER_PAGE = 50


@login_required
def duplicate_list(request):
    """Suspected pairs over every dossier, for sales managers, 50 a page (no count: it would read every row)."""
    if not request.user.has_perm(MERGE_PERM):
        raise PermissionDenied
    number = max(int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1, 1)
    start = (number - 1) * PAIRS_PER_PAGE
    window = list(
        selectors.duplicate_pairs(user=request.user).order_by("name_key", "id")[start : start + PAIRS_PER_PAGE + 1]
    )
    pairs = selectors.duplicate_pair_rows(pairs=window[:PAIRS_PER_PAGE])
    context = {"pairs": pairs, "page": number, "has_next": len(window) > PAIRS_PER_PAGE}
    return render(request, "customers/duplicate_list.html", context)


def _label(name: str) -> str:
    section, _dot, field = name.rpartition(".")
    return field_label(section or "basic", field)


@login_required
@require_http_methods(["GET", "POST"])
def customer_merge_page(request, code: str):
    """The two dossiers side by side, a choice per differing field, then a confirmation step, then the merge."""
    with http_errors():
        survivor = selectors.dossier_for(user=request.user, code=code, perm=MERGE_PERM)
        duplicate = selectors.dossier_for(
            user=request.user, code=request.POST.get("duplicate") or request.GET.get("duplicate", ""), archived=None
        )
    differing = fields_differing(survivor, duplicate)
    rows = [(name, _label(name), field_value(survivor, name), field_value(duplicate, name)) for name in differing]
    form = MergeForm(request.POST or None, fields=rows)
    confirming = request.method == "POST" and form.is_valid()
    if confirming and request.POST.get("confirmed") == "1":
        try:
            customer_merge(
                survivor=survivor, duplicate=duplicate, keep=form.keep(), by=request.user, today=timezone.localdate()
            )
        except (MergeRefused, services.VersionConflict) as refusal:
            form.add_error(None, " ".join(str(m) for ms in getattr(refusal, "errors", {}).values() for m in ms))
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into %(survivor)s.")
                % {"duplicate": duplicate.code, "survivor": survivor.code},
            )
            return redirect("customer_detail", code=survivor.code)
    context = {"survivor": survivor, "duplicate": duplicate, "form": form, "confirming": confirming and not form.errors}
    return render(request, "customers/merge.html", context)
