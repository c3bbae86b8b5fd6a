"""Finding and taking away customers: the header's search and the customer list as a CSV or XLSX file."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from crm.exports import XLSX_TYPE, csv_bytes, xlsx_bytes
from crm.models import AccessLog
from customers import selectors
from customers.forms import CustomerFilterForm
from customers.views import PERMS, _filters

FILE_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


@login_required
@require_GET
def customer_search(request):
    """The header's search box: customers by name, code (or part of it), USCC, contact, phone; every word must match.
    A code typed in full that finds its customer opens the dossier."""
    if not request.user.has_perm("customers.list_customers"):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.customer_search(user=request.user, q=q) if q else [], selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if len(page.object_list) == 1 and page.object_list[0].code == q.upper():
        return redirect("customer_detail", code=page.object_list[0].code)
    rows = selectors.dossier_rows(user=request.user, customers=page, channel=AccessLog.Channel.WEB)
    context = {"q": q, "page": page, "rows": rows, "query": urlencode({"q": q}) if q else ""}
    return render(request, "customers/search.html", context)


@login_required
@require_GET
def customer_export(request, file_format: str):
    """The customer list with its current filters and order as a file (CSV with a BOM, or XLSX), masked and
    access-logged as the list is."""
    if file_format not in FILE_TYPES:
        raise Http404
    if not request.user.has_perm("customers.list_customers"):
        raise PermissionDenied
    form = CustomerFilterForm(request.GET, owners=selectors.owner_candidates())
    filters = _filters(form, may_see_archived=request.user.has_perm(PERMS["archive"]))
    table = selectors.customer_list_table(user=request.user, filters=filters, channel=AccessLog.Channel.WEB)
    body = csv_bytes(table) if file_format == "csv" else xlsx_bytes(table, title="customers")
    response = HttpResponse(body, content_type=FILE_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="customers-{timezone.localdate()}.{file_format}"'
    return response
