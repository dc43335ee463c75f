import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.permissions import is_supervisor, supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.models import StatusChange
from rules.registry import rules_in_force

from . import services, steps
from .forms import WaiveForm
from .links import task_url
from .models import Deadline
from .selectors import countdown, deadline_filter, deadlines_visible_to, timeliness_ranking


def _clock_choices():
    return sorted(((code, r.description) for code, r in rules_in_force().items() if r.is_clock),
                  key=lambda c: c[0])


@login_required
def deadline_list(request):
    qs = deadlines_visible_to(user=request.user, organization=request.organization)
    status = request.GET.get("status", "running")
    if status not in ("", "running", *Deadline.Status.values):
        status = "running"
    clock = request.GET.get("clock", "")
    org_id = request.GET.get("organization") or None
    if org_id and not str(org_id).isdigit():
        org_id = None
    qs = deadline_filter(qs, status=status, clock=clock, organization_id=org_id)
    qs = qs.order_by("due_at") if status in ("running", "open", "overdue") else \
        qs.order_by("-due_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(d, countdown(d, now)) for d in page]
    supervising = is_supervisor(request.organization)
    return render(request, "deadlines/deadline_list.html", {
        "page": page, "rows": rows, "status": status, "clock": clock,
        "organization_id": org_id, "clocks": _clock_choices(),
        "statuses": Deadline.Status.choices, "supervising": supervising,
        "organizations": Organization.objects.exclude(kind=Organization.Kind.SUPPLIER)
        .order_by("name") if supervising else [],
    })


@login_required
def deadline_detail(request, pk):
    qs = deadlines_visible_to(user=request.user, organization=request.organization)
    deadline = get_object_or_404(qs.prefetch_related("responsible_users", "reminders"), pk=pk)
    form = WaiveForm(request.POST or None)
    # The button is drawn when the table allows the step now and the person may take it.
    can_waive = ("waive" in steps.manual_actions(deadline)
                 and services.can_waive(request.user, request.organization))
    if request.method == "POST":
        if not can_waive:
            raise Http404
        if form.is_valid():
            try:
                services.deadline_waive(deadline=deadline, actor=request.user,
                                        organization=request.organization,
                                        reason=form.cleaned_data["reason"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The clock has been waived."))
                return redirect("deadlines:deadline-detail", pk=deadline.pk)
    return render(request, "deadlines/deadline_detail.html", {
        "d": deadline, "cd": countdown(deadline), "form": form, "can_waive": can_waive,
        "reminders": deadline.reminders.order_by("at"),
        "waive_step": steps.DEADLINE.step("waive"),
        "history": StatusChange.of(deadline),
        "task_url": task_url(deadline, request.user),
    })


@login_required
def ranking(request):
    supervisor(request)  # the finance bureau's page; 404 for everyone else
    year = request.GET.get("year", "")
    since = until = None
    if year.isdigit():
        tz = timezone.get_current_timezone()
        since = dt.datetime(int(year), 1, 1, tzinfo=tz)
        until = dt.datetime(int(year) + 1, 1, 1, tzinfo=tz)
    clock = request.GET.get("clock", "")
    rows = timeliness_ranking(since=since, until=until, clock=clock)
    return render(request, "deadlines/ranking.html", {
        "rows": rows, "year": year, "clock": clock, "clocks": _clock_choices()})
