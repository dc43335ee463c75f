"""The evaluation committee: drawn at random from the expert pool, without conflicts."""

import random

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertProfile, Membership
from audit.services import audit_record
from core.exceptions import InvalidTransition
from notifications.services import notify
from rules.registry import rule

from ..models import Bid, Committee, CommitteeMember, Lot
from ..rules import RuleViolation
from .common import require_role

# The draw must not be predictable from the outside: the OS's randomness.
_rng = random.SystemRandom()


def committee_size(lot: Lot) -> int:
    """≥5, odd; ≥7 when the budget reaches the large-project amount (87号令 第47条)."""
    large = lot.budget >= int(rule("committee.large_budget").amount)
    size = int(rule("committee.min_members_large" if large else "committee.min_members").amount)
    return size if size % 2 else size + 1


def eligible_experts(lot: Lot):
    """Available experts without a conflict with the purchaser, its agency or any bidder,
    and the excluded ones with their reason."""
    project = lot.project
    parties = {project.purchaser_id, *([project.agency_id] if project.agency_id else [])}
    parties |= set(Bid.objects.filter(lot=lot).exclude(status=Bid.Status.WITHDRAWN)
                   .values_list("supplier_id", flat=True))
    eligible, excluded = [], []
    profiles = (ExpertProfile.objects.filter(is_available=True, user__is_active=True)
                .select_related("user").prefetch_related("avoidances"))
    members_of = set(Membership.objects.filter(organization_id__in=parties, is_active=True)
                     .values_list("user_id", flat=True))
    for profile in profiles:
        if profile.employer_id in parties:
            excluded.append({"expert": profile.user_id, "reason": "employer is a party"})
        elif {o.pk for o in profile.avoidances.all()} & parties:
            excluded.append({"expert": profile.user_id, "reason": "declared avoidance"})
        elif profile.user_id in members_of:
            excluded.append({"expert": profile.user_id, "reason": "works for a party"})
        else:
            eligible.append(profile.user)
    return eligible, excluded


@transaction.atomic
def committee_draw(*, lot: Lot, actor, now=None, ip=None) -> Committee:
    """Draw the committee once the lot is opened.

    1. only the purchaser or its agency draws, after opening;
    2. experts with a conflict (employer or declared avoidance is a party, or a
       member of one) are excluded, and the exclusions recorded;
    3. the size follows 87号令 第47条; a pool too small is a refusal, not a
       smaller committee;
    4. the members are told by SMS and in-app.
    """
    now = now or timezone.now()
    lot = Lot.objects.select_for_update(of=("self",)).select_related("project").get(pk=lot.pk)
    project = lot.project
    parties = [project.purchaser] + ([project.agency] if project.agency else [])
    if not any(Membership.objects.filter(user=actor, organization=o, is_active=True).exists()
               for o in parties):
        require_role(actor, project.purchaser, Membership.Role.OFFICER)
    if lot.status != Lot.Status.OPENED:
        raise InvalidTransition(_("The committee is drawn after the lot is opened."))
    if Committee.objects.filter(lot=lot).exists():
        raise InvalidTransition(_("This lot's committee has been drawn already."))
    size = committee_size(lot)
    eligible, excluded = eligible_experts(lot)
    if len(eligible) < size:
        raise RuleViolation(
            _("Only %(n)s experts without a conflict are available; the committee needs "
              "%(size)s."), params={"n": len(eligible), "size": size},
            code="pool_too_small", basis=rule("committee.min_members").basis)
    drawn = _rng.sample(eligible, size)
    try:
        committee = Committee.objects.create(lot=lot, drawn_at=now, drawn_by=actor,
                                             pool_size=len(eligible), excluded=excluded)
    except IntegrityError:
        raise InvalidTransition(_("This lot's committee has been drawn already.")) from None
    for i, expert in enumerate(drawn):
        CommitteeMember.objects.create(committee=committee, expert=expert,
                                       role=CommitteeMember.Role.CHAIR if i == 0
                                       else CommitteeMember.Role.MEMBER)
    audit_record(action="committee.draw", actor=actor, organization=project.purchaser,
                 obj=lot, detail={"size": size, "pool": len(eligible),
                                  "excluded": len(excluded),
                                  "members": [e.pk for e in drawn]}, ip=ip, now=now)
    notify(event_key=f"committee:{committee.pk}", recipients=drawn,
           category="procurement.committee",
           subject=f"评审邀请：{project.title}第{lot.number}包",
           body=f"【春风政采】您已被随机抽取为“{project.title}”第{lot.number}包的评审专家，"
                f"请登录平台评审工作台参加评审。如存在应当回避的情形，请立即申明回避。",
           link="/expert/", now=now)
    return committee


