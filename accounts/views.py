from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_request
from core.exceptions import DomainError
from core.forms import add_domain_error
from core.http import client_ip

from . import services
from .forms import (
    LoginForm,
    MemberAddForm,
    OrganizationProfileForm,
    PasswordChangeForm,
    SupplierRegistrationForm,
)
from .middleware import SESSION_KEY
from .models import Membership, Organization
from .permissions import has_role, is_supervisor
from .selectors import (
    organization_people,
    organization_search,
    organizations_visible_to,
)
from .throttles import registration_allowed


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(limit=settings.AXES_FAILURE_LIMIT, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("workspaces:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_request(self.request, action="auth.password_change", obj=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


def supplier_register(request):
    """Free online registration (春风行动 19): no fee, no bond, no paper."""
    if request.user.is_authenticated:
        return redirect("workspaces:home")
    form = SupplierRegistrationForm(request.POST or None)
    if request.method == "POST" and not registration_allowed(request):
        # The same allowance per address as the API: a script cannot register companies
        # by the hundred through the page instead.
        form.add_error(None, _("Too many registrations from your network address; try again "
                               "in an hour."))
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.supplier_register(
                name=data["name"],
                credit_code=data["credit_code"],
                scale=data["scale"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                is_foreign_invested=data["is_foreign_invested"],
                username=data["username"],
                password=data["password1"],
                real_name=data["real_name"],
                mobile=data["mobile"],
                ip=client_ip(request),
            )
        except DomainError as exc:  # recorded for supervision by the service (core.refusals)
            add_domain_error(form, exc)
        else:
            login(request, membership.user,
                  backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome, %(name)s. Your company is registered; bidding is free of charge.")
                % {"name": membership.organization.name},
            )
            return redirect("workspaces:home")
    return render(request, "accounts/register.html", {"form": form})


def _visible_org_or_404(request, pk) -> Organization:
    qs = organizations_visible_to(user=request.user, organization=request.organization)
    return get_object_or_404(qs, pk=pk)


def _require_admin(request, org: Organization) -> None:
    """The organisation's administrator only. Others who may see it (a colleague, the
    finance bureau) get 403; those who may not see it already got 404."""
    if not has_role(request.user, org, Membership.Role.ADMIN):
        raise PermissionDenied(_("Only the organisation's administrator can do this."))


@login_required
def organization_list(request):
    qs = organizations_visible_to(user=request.user, organization=request.organization)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in Organization.Kind.values:
        kind = ""
    qs = organization_search(queryset=qs, q=q, kind=kind).annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    )
    return render(request, "accounts/organization_list.html", {
        "organizations": qs[:200], "q": q, "kind": kind, "kinds": Organization.Kind.choices,
        "total": qs.count(),
    })


@login_required
def organization_detail(request, pk):
    org = _visible_org_or_404(request, pk)
    return render(request, "accounts/organization_detail.html", {
        "org": org,
        "members": organization_people(org),
        "is_admin": has_role(request.user, org, Membership.Role.ADMIN),
        "supervising": is_supervisor(request.organization) and org != request.organization,
    })


@login_required
def organization_edit(request, pk):
    org = _visible_org_or_404(request, pk)
    _require_admin(request, org)
    form = OrganizationProfileForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update_profile(
                organization=Organization.objects.get(pk=org.pk), actor=request.user,
                ip=client_ip(request),
                **{f: form.cleaned_data[f] for f in form.fields},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect(org)
    return render(request, "accounts/organization_edit.html", {"org": org, "form": form})


@login_required
def member_add(request, pk):
    org = _visible_org_or_404(request, pk)
    _require_admin(request, org)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(organization=org, actor=request.user, ip=client_ip(request),
                                **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been added.")
                             % {"name": form.cleaned_data["real_name"]})
            return redirect(org)
    return render(request, "accounts/member_add.html", {"org": org, "form": form})


@login_required
@require_POST
def member_revoke(request, pk, membership_pk):
    org = _visible_org_or_404(request, pk)
    _require_admin(request, org)
    membership = get_object_or_404(Membership, pk=membership_pk, organization=org)
    try:
        services.membership_revoke(membership=membership, actor=request.user,
                                   ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The role has been withdrawn."))
    return redirect(org)


@login_required
@require_POST
def organization_switch(request):
    try:
        pk = int(request.POST.get("organization", ""))
    except ValueError:
        raise Http404 from None
    if pk not in {o.pk for o in request.organizations}:
        raise Http404
    request.session[SESSION_KEY] = pk
    return redirect(reverse("workspaces:home"))
