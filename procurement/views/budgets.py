"""Budget lines and procurement intentions: the purchaser's planning pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from .. import services
from ..forms import BudgetLineForm, IntentionForm
from ..selectors import budget_lines_of, intentions_of

K = Organization.Kind


@login_required
def budget_list(request):
    org = acting_organization(request, K.PURCHASER)
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_create(purchaser=org, actor=request.user,
                                        ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The budget line has been recorded."))
            return redirect("procurement:budget-list")
    lines = [(line, line.amount - line.committed) for line in budget_lines_of(org)]
    return render(request, "procurement/budget_list.html", {"lines": lines, "form": form})


@login_required
def intention_list(request):
    org = acting_organization(request, K.PURCHASER)
    form = IntentionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intention_publish(purchaser=org, actor=request.user,
                                       ip=client_ip(request), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The procurement intention is published."))
            return redirect("procurement:intention-list")
    return render(request, "procurement/intention_list.html",
                  {"intentions": intentions_of(org), "form": form})
