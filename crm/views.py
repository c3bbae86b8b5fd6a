from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from crm import services
from crm.health import health_report
from crm.models import Reminder


@never_cache
@require_GET
def healthz(request):
    """Each dependency's state as JSON (crm/health.py): 200 when the required ones are up, 503 otherwise."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
def reminders_inbox(request):
    """The signed-in user's reminders (DOMAIN §7): open ones first, filterable by status and kind."""
    status = request.GET.get("status", Reminder.Status.OPEN)
    kind = request.GET.get("kind", "")
    reminders = Reminder.objects.filter(recipient=request.user).select_related("customer").order_by("due_on", "id")
    if status in Reminder.Status.values:
        reminders = reminders.filter(status=status)
    if kind in Reminder.Kind.values:
        reminders = reminders.filter(kind=kind)
    page = Paginator(reminders, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": Reminder.Status.choices,
        "kinds": Reminder.Kind.choices,
        "query": query.urlencode(),
    }
    return render(request, "crm/reminders.html", context)


@login_required
@require_POST
def reminder_mark(request, pk: int, status: str):
    reminder = get_object_or_404(Reminder, pk=pk, recipient=request.user)
    if status not in (Reminder.Status.DONE, Reminder.Status.DISMISSED, Reminder.Status.OPEN):
        raise Http404
    services.reminder_mark(reminder=reminder, status=status)
    return _back_to_inbox(request)


@login_required
@require_POST
def reminders_mark(request):
    """The inbox's bulk action: the ticked open reminders done (or dismissed)."""
    status = request.POST.get("status")
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    if status not in (Reminder.Status.DONE, Reminder.Status.DISMISSED):
        raise Http404
    if not ids:
        messages.warning(request, _("Tick the reminders to mark first."))
        return _back_to_inbox(request)
    marked = services.reminders_mark(recipient=request.user, reminder_ids=ids, status=status)
    text = (
        ngettext("%(count)d reminder marked done.", "%(count)d reminders marked done.", marked)
        if status == Reminder.Status.DONE
        else ngettext("%(count)d reminder dismissed.", "%(count)d reminders dismissed.", marked)
    )
    messages.success(request, text % {"count": marked})
    return _back_to_inbox(request)


def _back_to_inbox(request):
    """Back to the page the form was on (the filtered inbox), never to another site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else "reminders")
