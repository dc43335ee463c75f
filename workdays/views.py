import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.permissions import has_role, is_supervisor
from core.exceptions import DomainError
from core.forms import add_domain_error

from .forms import CalendarLoadForm
from .models import PACKAGE_LABEL, CalendarDay, CalendarYear
from .notice import parse_notice
from .services import calendar_year_load, is_year_known


def _may_edit(request) -> bool:
    org = request.organization
    return request.user.is_superuser or (
        is_supervisor(org)
        and has_role(request.user, org, Membership.Role.ADMIN, Membership.Role.LEADER))


@login_required
def calendar(request):
    """Finance-bureau administrators keep the working-day calendar current."""
    if not (request.user.is_superuser or is_supervisor(request.organization)):
        raise Http404
    may_edit = _may_edit(request)
    form = CalendarLoadForm(request.POST or None)
    preview = None
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                days = parse_notice(form.cleaned_data["text"], year)
                if "confirm" in request.POST:
                    calendar_year_load(year=year, days=days,
                                       source=form.cleaned_data["source"], actor=request.user)
                    messages.success(request, _(
                        "The %(year)s calendar is loaded. Provisional deadlines are being "
                        "recomputed.") % {"year": year})
                    return redirect("workdays:calendar")
                preview = sorted(days)
            except DomainError as exc:
                add_domain_error(form, exc)
    this_year = dt.date.today().year
    years = [(y, is_year_known(y), CalendarYear.objects.filter(year=y).first())
             for y in range(this_year - 1, this_year + 3)]
    return render(request, "workdays/calendar.html", {
        "form": form, "preview": preview, "may_edit": may_edit, "years": years,
        "loaded": CalendarYear.objects.prefetch_related("days")[:6],
        "kinds": dict(CalendarDay.Kind.choices), "package_label": PACKAGE_LABEL,
    })
