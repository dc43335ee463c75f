"""Each role's home page, built from the lower layers' selectors."""

from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.permissions import has_role
from accounts.selectors import (
    organization_counts_by_kind,
    organization_people,
    supplier_counts_by_scale,
)
from audit.models import AuditEvent
from audit.selectors import audit_events_for, refusals
from complaints.selectors_complaints import queue_counts as complaint_queue_counts
from deadlines.models import Deadline
from deadlines.selectors import countdown, deadlines_visible_to
from procurement.models import Announcement, CommitteeMember, FairnessFinding, Project
from procurement.selectors import method_approvals, projects_visible_to
from workdays.services import is_year_known

from .navigation import workspaces_of
from .selectors import lots_not_reserved, sme_reserved_shares


@login_required
def home(request):
    spaces = workspaces_of(request)
    if not spaces:
        return render(request, "workspaces/no_workspace.html")
    return redirect(f"workspaces:{spaces[0]}")


def workspace(name):
    """Only people whose active organisation works in ``name`` may open it; others get 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if name not in workspaces_of(request):
                raise Http404
            request.workspace = name
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _upcoming_deadlines(request, limit=6):
    now = timezone.now()
    qs = deadlines_visible_to(user=request.user, organization=request.organization).filter(
        status__in=[Deadline.Status.OPEN, Deadline.Status.OVERDUE]).order_by("due_at")[:limit]
    return [(d, countdown(d, now)) for d in qs]


def _org_context(request):
    org = request.organization
    return {
        "org": org,
        "upcoming": _upcoming_deadlines(request),
        "members": organization_people(org)[:20],
        "recent_events": audit_events_for(user=request.user, organization=org)[:10],
        "is_admin": has_role(request.user, org, Membership.Role.ADMIN),
        "role_labels": [Membership.Role(r).label for r in request.roles],
    }


def _project_context(request):
    projects = projects_visible_to(organization=request.organization)
    waiting = projects.none()
    if has_role(request.user, request.organization, Membership.Role.APPROVER,
                Membership.Role.LEADER):
        waiting = projects.filter(status=Project.Status.SUBMITTED,
                                  purchaser=request.organization).exclude(
            drafted_by=request.user)
    return {"projects": projects.prefetch_related("lots")[:6], "awaiting_approval": waiting}


@workspace("purchaser")
def purchaser(request):
    context = _org_context(request)
    context.update(_project_context(request))
    context["may_start_demand"] = True  # a purchaser's project starts with its demand
    return render(request, "workspaces/purchaser.html", context)


@workspace("agency")
def agency(request):
    context = _org_context(request)
    context.update(_project_context(request))
    return render(request, "workspaces/agency.html", context)


@workspace("supplier")
def supplier(request):
    context = _org_context(request)
    context["open_tenders"] = (
        Announcement.objects.filter(kind=Announcement.Kind.TENDER,
                                    project__status=Project.Status.ANNOUNCED,
                                    project__bid_deadline__gt=timezone.now())
        .select_related("project", "project__purchaser").order_by("project__bid_deadline")[:8])
    return render(request, "workspaces/supplier.html", context)


@workspace("bank")
def bank(request):
    return render(request, "workspaces/bank.html", _org_context(request))


@workspace("expert")
def expert(request):
    profile = request.user.expert_profile
    seats = CommitteeMember.objects.filter(expert=request.user).select_related(
        "committee__lot__project").order_by("-committee__drawn_at")
    return render(request, "workspaces/expert.html", {
        "seats": seats,
        "profile": profile,
        "specialities": profile.specialities.order_by("code"),
        "avoidances": profile.avoidances.order_by("name"),
    })


@workspace("supervision")
def supervision(request):
    now = timezone.now()
    since = now - timedelta(hours=24)
    counts = organization_counts_by_kind()
    scales = supplier_counts_by_scale()
    security = AuditEvent.objects.filter(
        at__gte=since, action__in=["auth.login_failed", "auth.locked_out"]
    )
    context = _org_context(request)
    running = Deadline.objects.filter(status__in=[Deadline.Status.OPEN, Deadline.Status.OVERDUE])
    next_year = timezone.localdate().year + 1
    context.update({
        "deadline_counts": {
            "open": running.filter(status=Deadline.Status.OPEN).count(),
            "overdue": running.filter(status=Deadline.Status.OVERDUE).count(),
            "provisional": running.filter(provisional=True).count(),
        },
        "next_year": next_year,
        "next_year_known": is_year_known(next_year),
        "org_counts": [(label, counts.get(kind, 0)) for kind, label in Organization.Kind.choices],
        "scale_counts": [(label, scales.get(s, 0)) for s, label in Organization.Scale.choices],
        "new_suppliers": Organization.objects.filter(kind=Organization.Kind.SUPPLIER)
        .order_by("-created_at")[:8],
        "failed_logins_24h": security.filter(action="auth.login_failed").count(),
        "lockouts_24h": security.filter(action="auth.locked_out").count(),
        "recent_security": security.order_by("-id")[:8],
        "recent_events": audit_events_for(user=request.user, organization=request.organization)
        [:12],
        # Supervision sees every fair-competition warning a purchaser chose to override.
        "justified_findings": FairnessFinding.objects.filter(overridden_at__isnull=False)
        .select_related("demand", "demand__purchaser", "overridden_by")
        .order_by("-overridden_at")[:8],
        "refused_demands_30d": AuditEvent.objects.filter(
            action="demand.check_refused", at__gte=now - timedelta(days=30)).count(),
        # Every refusal by any caller (page, API, task, command), core.refusals.
        "refusals_30d": refusals(since=now - timedelta(days=30)).count(),
        # SMEs (财库〔2020〕46号): each purchaser's reserved share, and the lots not reserved.
        "sme_shares": sme_reserved_shares(),
        "sme_not_reserved": lots_not_reserved(),
        # Methods waiting for the finance bureau's approval (法 第27条; 条例 第23条).
        "pending_approvals": method_approvals(status="pending").count(),
        # Complaints (投诉) in the finance bureau's hands (法 第55–56条).
        "complaint_queue": complaint_queue_counts(),
    })
    return render(request, "workspaces/supervision.html", context)




