"""Award: the purchaser confirms the winner in ranking order; the notice and the result
announcement go out; the contract-signing clock starts.

Revocation: before both parties signed, a challenge upheld that affects the result lets
the purchaser or its agency revoke the award (94号令 第16条, verify): the next qualified
candidate is then confirmed, or the lot fails and is procured again."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import require_role
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.money import yuan_in_words
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.models import Deadline
from deadlines.services import deadline_end, deadline_meet, deadline_open
from notifications.services import notify
from rules.registry import rule

from .. import scoring, sealing, steps
from ..announcements import METHOD_ZH, render_result, render_result_change
from ..holds import check_not_held
from ..methods import policy
from ..models import Announcement, Award, Bid, BidQuery, EvaluationResult, Lot, Project
from ..pdf import render_pdf
from ..revocations import revocation_blocked
from ..signals import award_confirmed, award_revoked
from .opening import lot_fail
from .projects import project_settle
from .verdicts import failed as failed_stages
from .verdicts import lot_verdicts


def assistant_label(project: Project) -> str:
    """The procurement assistant as the winner reads it: name and phone."""
    person = project.assistant or project.drafted_by
    phone = person.mobile or project.contact_phone
    return f"{person.display_name}（{phone}）"


@records_refusals()
@transaction.atomic
def award_confirm(*, lot: Lot, bid: Bid, actor, now=None, ip=None) -> Award:
    """1. the purchaser confirms the first-ranked candidate (条例 第43条: in ranking
    order), within its clock; an abnormally low price needs the committee's accepted
    explanation first (87号令 第60条);
    2. the award notice is rendered as a PDF in Chinese and kept with its hash;
    3. the result announcement with the fields of 条例 第43条 is published;
    4. every bidder is told: the winner, and each loser its own score and rank
       (春风行动 第17条; 87号令 第69条);
    5. the contract-signing clock starts (profile: 2 working days under 春风行动);
    6. once committed, ``signals.award_confirmed`` tells the apps above (the contract
       to draft, the ledger, the banks' offers) — their failure cannot undo the award."""
    now = now or timezone.now()
    lot = Lot.objects.select_for_update(of=("self",)).select_related(
        "project", "project__purchaser", "project__agency", "project__demand").get(pk=lot.pk)
    project = lot.project
    check_not_held(project, now)  # a complaint suspends the procurement (法 第57条)
    require_role(actor, project.purchaser, Membership.Role.OFFICER, Membership.Role.APPROVER,
                 Membership.Role.LEADER, Membership.Role.ADMIN)
    if hasattr(lot, "award"):
        raise InvalidTransition(_("This lot has been awarded already."))
    result = EvaluationResult.objects.filter(bid=bid, bid__lot=lot).select_related(
        "bid__supplier").first()
    if lot.status != Lot.Status.EVALUATING or result is None:
        raise InvalidTransition(_("Confirm the winner from the committee's report."))
    revoked = Award.objects.filter(lot=lot, revoked_at__isnull=False).exists()
    if not revoked and (result.rank != 1 or not result.candidate):
        raise RuleViolation(_("The winner is confirmed in ranking order: this bid is not the "
                              "first-ranked candidate."), code="ranking_order",
                            basis="条例 第43条")
    if revoked and not _next_in_line(lot, result):
        # 另行确定: after a revocation, the best-ranked candidate still in the running —
        # not the revoked winner, nor a bidder the revocation found not qualified.
        raise RuleViolation(_("After the award was revoked, the winner is confirmed from the "
                              "qualified candidates in ranking order: this bid is not the "
                              "best-ranked one left."), code="ranking_order",
                            basis=f"条例 第43条; {REVOKE_BASIS}")
    if result.abnormally_low and not BidQuery.objects.filter(
            bid=bid, kind=BidQuery.Kind.ABNORMALLY_LOW,
            status=BidQuery.Status.ACCEPTED).exists():
        raise RuleViolation(_("This price is abnormally low: the committee must first accept "
                              "the bidder's written explanation."), code="abnormally_low",
                            basis="87号令 第60条")
    winner = bid.supplier
    sign = rule("contract.sign")
    award = Award(lot=lot, bid=bid, amount=bid.price, confirmed_by=actor, confirmed_at=now,
                  notice_sha256="")
    award.save()
    # Both parties sign, so both hear the clock — and the procurement assistant, who
    # walks the winner through each node (春风行动 第16条).
    assistant = project.assistant or project.drafted_by
    signers = [m.user for m in Membership.objects.filter(
        organization__in=[project.purchaser, winner], is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN]).select_related("user")]
    clock = deadline_open(subject=award, clock="contract.sign", organization=project.purchaser,
                          start=now, now=now, actor=actor,
                          responsible_users=list({u.pk: u for u in [*signers, assistant]
                                                  }.values()))
    payload = bid.opened_payload or {}
    number = f"{project.code}-{lot.number:02d}"
    with translation.override("zh-hans"):  # an official document, in Chinese
        pdf = render_pdf("procurement/pdf/award_notice.html", {
            "number": number, "project": project, "lot": lot, "winner": winner,
            "amount": f"{bid.price:,.2f}", "amount_zh": yuan_in_words(bid.price),
            "method": METHOD_ZH[project.method], "brand": payload.get("brand", ""),
            "model": payload.get("model", ""), "total": result.total, "rank": result.rank,
            "sign_days": sign.display_value().replace(" ", ""), "sign_basis": sign.basis,
            "sign_due": timezone.localtime(clock.due_at).strftime("%Y年%m月%d日"),
            "assistant": assistant_label(project),
            "date": timezone.localtime(now).strftime("%Y年%m月%d日"),
            "generated": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S"),
        })
    award.notice_sha256 = sealing.digest(pdf)
    award.notice_pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    award.save(update_fields=["notice_pdf", "notice_sha256"])

    transition(lot, Lot.Status.AWARDED, table=steps.LOT, actor=actor, now=now)
    # Each bid leaves its own row: the winner, then every other one still in the lot.
    for other in Bid.objects.filter(lot=lot).exclude(status=Bid.Status.WITHDRAWN).order_by(
            "pk"):
        if other.pk == bid.pk:
            transition(other, Bid.Status.WON, table=steps.BID, actor=actor, now=now)
            award.bid = other  # the receivers read the winner as it is now
        elif other.status == Bid.Status.LOST:  # out since an earlier, revoked award
            continue
        else:
            transition(other, Bid.Status.LOST, table=steps.BID, actor=actor, now=now)
    deadline_meet(subject=lot, clock="award.confirm", at=now, actor=actor, now=now)

    # The result announcement with the fields of 87号令 第69条 and 条例 第43条
    # (announcements.REQUIRED_FIELDS): its periods on the working-day calendar.
    title, body, fields = render_result(lot=lot, bid=bid, amount=bid.price, now=now)
    Announcement.objects.create(project=project, kind=Announcement.Kind.RESULT, title=title,
                                body=body, fields=fields, published_at=now)
    _tell_bidders(lot, award, now)
    audit_record(action="award.confirm", actor=actor, organization=project.purchaser,
                 obj=award, detail={"bid": bid.pk, "amount": bid.price,
                                    "notice_sha256": award.notice_sha256}, ip=ip, now=now)
    project_settle(project=project, now=now, actor=actor)
    send_on_commit(award_confirmed, sender=Award, award=award)
    return award


def _next_in_line(lot: Lot, result: EvaluationResult) -> bool:
    """Is ``result`` the best-ranked candidate still in the running (its bid scored, not
    out with a revoked award)?"""
    if not result.candidate or result.rank is None or result.bid.status != Bid.Status.SCORED:
        return False
    ranks = EvaluationResult.objects.filter(
        bid__lot=lot, candidate=True, rank__isnull=False,
        bid__status=Bid.Status.SCORED).values_list("rank", flat=True)
    return result.rank == min(ranks)


def _tell_bidders(lot: Lot, award: Award, now) -> None:
    project = lot.project
    bids = list(Bid.objects.filter(lot=lot).exclude(status=Bid.Status.WITHDRAWN)
                .select_related("supplier"))
    verdicts = lot_verdicts(lot, [b for b in bids if b.opened_at is not None])
    for bid in bids:
        people = [m.user for m in bid.supplier.memberships.filter(is_active=True)
                  .select_related("user")]
        if bid.pk == award.bid_id:
            body = (f"【春风政采】恭喜！贵单位为“{project.title}”第{lot.number}包"
                    f"中标（成交）供应商，金额{award.amount:,.2f}元。请登录平台下载"
                    "中标（成交）通知书，并在规定期限内签订合同。本项目政府采购助理："
                    f"{assistant_label(project)}，签约、验收、付款各环节可随时咨询。")
        else:
            result = getattr(bid, "result", None)
            # The committee's conclusions, with their reasons (87号令 第69条).
            failed = failed_stages(verdicts.get(bid.pk, {}))
            if failed:
                with translation.override("zh-hans"):
                    why = "；".join(f"{r.get_stage_display()}未通过：{r.reason}" for r in failed)
                body = (f"【春风政采】“{project.title}”第{lot.number}包结果已公布，贵单位未中标。"
                        f"原因：{why}（春风行动 第17条）。")
            elif result is not None:
                body = (f"【春风政采】“{project.title}”第{lot.number}包结果已公布，贵单位未中标。"
                        f"贵单位得分{result.total}，排名第{result.rank or '—'}"
                        "（春风行动 第17条）。")
            else:
                body = f"【春风政采】“{project.title}”第{lot.number}包结果已公布，贵单位未中标。"
        notify(event_key=f"award:{award.pk}:bid:{bid.pk}", recipients=people,
               category="procurement.result", subject=f"{project.title}中标（成交）结果",
               body=body, link=f"/procurement/bids/{bid.pk}/", now=now)




# 94号令 第16条 is not in RULES.md: verify the article before relying on its wording.
REVOKE_BASIS = "94号令 第16条（verify）"
# After both parties signed, the answer to a challenge no longer undoes the award: only
# the finance bureau's decision on a complaint may (94号令 第32条, verify).
SIGNED_BASIS = "94号令 第16条、第32条（verify）"
REVOKER_ROLES = (Membership.Role.OFFICER, Membership.Role.APPROVER, Membership.Role.LEADER,
                 Membership.Role.ADMIN)
THEN = ("next", "retender")


def revocation_refusal(award: Award) -> RuleViolation | None:
    """Why ``award`` can no longer be revoked — the contract signed by both — or None.
    Read by ``award_revoke`` and by the callers that only revoke what they may
    (the answer to a challenge)."""
    signed = Deadline.objects.filter(
        subject_type__app_label="procurement", subject_type__model="award",
        subject_id=str(award.pk), clock="contract.sign", status=Deadline.Status.MET).exists()
    blocked = revocation_blocked(award)
    if signed or blocked:
        return RuleViolation(
            _("The contract has been signed by both parties: the award can no longer be "
              "revoked by the purchaser or its agency; only the finance bureau's decision on "
              "a complaint may change it."), code="contract_signed", basis=SIGNED_BASIS)
    return None


@records_refusals()
@transaction.atomic
def award_revoke(*, award: Award, reason: str, basis: str, actor, organization, then="next",
                 exclude=(), now=None, ip=None) -> Award:
    """The purchaser or its agency revokes an award a challenge upheld has shown to be
    wrong, before both parties signed (94号令 第16条, verify; signing was suspended
    meanwhile, 条例 第54条):

    1. refused once the contract is signed by both (``contract_signed``);
    2. the award keeps its row with when, who, why and on what basis; the winner's bid
       is out, and so are the other bids ``exclude`` names (found not qualified by the
       same challenge); the other scored candidates are back in the running;
    3. the contract-signing clock ends; the lot goes back to evaluation;
    4. then (``then``): "next" — the purchaser confirms the best-ranked qualified
       candidate left (``award_confirm``) within a new ``award.confirm`` clock, provided
       the qualified bidders left still meet the method's minimum; otherwise, or with
       "retender", the lot fails (``lot_fail``) and ``project_retender`` procures it again;
    5. the result change announcement is published, the bidders and the organisers told,
       the act audited; once committed ``signals.award_revoked`` tells contracts, which
       voids the unsigned contract."""
    now = now or timezone.now()
    lot = Lot.objects.select_for_update(of=("self",)).select_related(
        "project", "project__purchaser", "project__agency").get(pk=award.lot_id)
    award = Award.objects.select_for_update(of=("self",)).select_related(
        "bid__supplier").get(pk=award.pk)
    project = lot.project
    organisers = [project.purchaser_id, *([project.agency_id] if project.agency_id else [])]
    if organization is None or organization.pk not in organisers:
        raise PermissionDenied(_("Only the purchaser or its agency revokes an award."))
    require_role(actor, organization, *REVOKER_ROLES)
    if award.revoked_at is not None:
        raise InvalidTransition(_("This award has been revoked already."))
    refusal = revocation_refusal(award)
    if refusal is not None:
        raise refusal
    reason, basis = (reason or "").strip(), (basis or "").strip()
    if len(reason) < 5:
        raise DomainError(_("Give the reason for revoking the award."), field="reason",
                          code="reason_required")
    if len(basis) < 2:
        raise DomainError(_("Give the basis for revoking the award (e.g. the challenge "
                            "answered)."), field="basis", code="basis_required")
    if then not in THEN:
        raise DomainError(_("Choose what follows the revocation."), field="then",
                          code="then")
    lot_bids = {b.pk: b for b in Bid.objects.filter(lot=lot).select_for_update(of=("self",))
                .exclude(status=Bid.Status.WITHDRAWN).select_related("supplier")}
    excluded = set()
    for item in exclude or ():
        pk = int(getattr(item, "pk", item))
        if pk not in lot_bids or pk == award.bid_id or not EvaluationResult.objects.filter(
                bid_id=pk).exists():
            raise DomainError(_("Only another scored bid of this lot can be excluded."),
                              field="exclude", code="exclude")
        excluded.add(pk)
    award.revoked_at, award.revoked_by = now, actor
    award.revoked_reason, award.revoked_basis = reason, basis
    award.revoked_excluded = sorted(excluded)
    award.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "revoked_basis",
                              "revoked_excluded"])
    why = f"{reason}（{basis}）"
    deadline_end(subject=award, clock="contract.sign", reason=f"中标（成交）结果已撤销：{why}",
                 actor=actor, now=now)
    # The winner is out; the candidates who lost only to it are back, bar the excluded.
    scored = set(EvaluationResult.objects.filter(bid__lot=lot).values_list("bid_id",
                                                                          flat=True))
    for bid in lot_bids.values():
        if bid.pk == award.bid_id:
            transition(bid, Bid.Status.LOST, table=steps.BID, actor=actor, now=now,
                       reason=why)
        elif bid.status == Bid.Status.LOST and bid.pk in scored and bid.pk not in excluded:
            transition(bid, Bid.Status.SCORED, table=steps.BID, actor=actor, now=now,
                       reason=why)
    transition(lot, Lot.Status.EVALUATING, table=steps.LOT, actor=actor, now=now, reason=why)
    project_settle(project=project, now=now, actor=actor)
    # 合格供应商符合法定数量时 … 另行确定 (94号令 第16条, verify): the qualified bidders
    # left, those of one brand counted as one (87号令 第31条), against the method's minimum.
    method = policy(project.method)
    needed = method.min_qualified(lot)
    left = [b for b in lot_bids.values() if b.status == Bid.Status.SCORED]
    counted = scoring.bidders_counted(
        {str(b.pk): (b.opened_payload or {}).get("brand", "") for b in left})
    if then == "next" and counted < needed:
        then = "retender"
    title, body, fields = render_result_change(lot=lot, award=award, then=then, now=now)
    notice = Announcement.objects.create(
        project=project, kind=Announcement.Kind.RESULT_CHANGE, title=title, body=body,
        fields=fields, published_at=now)
    if then == "retender":
        minimum = method.minimum_basis(method.min_qualified_rule, lot)
        short = (f"撤销后合格供应商不足{needed}家（{minimum}），" if counted < needed else "")
        lot_fail(lot=lot, basis=f"{REVOKE_BASIS}; {basis}", now=now, actor=actor,
                 detail={"revoked_award": award.pk, "qualified_left": counted},
                 reason=f"原中标（成交）结果已撤销：{why}。{short}本包重新开展采购活动。")
    else:
        deadline_open(subject=lot, clock="award.confirm", organization=project.purchaser,
                      start=now, now=now, actor=actor)
    _tell_revoked(lot, award, then, notice, now)
    audit_record(action="award.revoke", actor=actor, organization=organization, obj=award,
                 detail={"reason": reason, "basis": basis, "then": then,
                         "excluded": sorted(excluded), "qualified_left": counted,
                         "needed": needed}, ip=ip, now=now)
    send_on_commit(award_revoked, sender=Award, award=award)
    return award


def _tell_revoked(lot: Lot, award: Award, then: str, notice: Announcement, now) -> None:
    """Every bidder of the lot and the organisers hear of the revocation and what follows."""
    project = lot.project
    orgs = {b.supplier for b in Bid.objects.filter(lot=lot).exclude(
        status=Bid.Status.WITHDRAWN).select_related("supplier")}
    orgs |= {project.purchaser, *([project.agency] if project.agency else [])}
    people = [m.user for m in Membership.objects.filter(
        organization__in=orgs, is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN]).select_related("user")]
    follows = ("采购人将从合格的中标（成交）候选人中依法另行确定中标（成交）供应商。"
               if then == "next" else "本包将重新开展采购活动。")
    notify(event_key=f"award-revoked:{award.pk}", recipients=people,
           category="procurement.result",
           subject=f"{project.title}第{lot.number}包中标（成交）结果变更",
           body=f"【春风政采】“{project.title}”第{lot.number}包原中标（成交）供应商"
                f"{award.bid.supplier.name}的中标（成交）结果已撤销：{award.revoked_reason}"
                f"（{award.revoked_basis}）。{follows}",
           link=notice.get_absolute_url(), now=now)
    # 质疑答复导致中标、成交结果改变的 … 书面报告本级财政部门 (94号令 第16条, verify).
    bureau = [m.user for m in Membership.objects.filter(
        organization__kind=Organization.Kind.FINANCE, is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN, Membership.Role.LEADER])
        .select_related("user")]
    notify(event_key=f"award-revoked:{award.pk}:bureau", recipients=bureau,
           category="procurement.result",
           subject=f"中标（成交）结果变更报告：{project.title}第{lot.number}包",
           body=f"【春风政采】{project.purchaser.name}“{project.title}”（{project.code}）"
                f"第{lot.number}包原中标（成交）供应商{award.bid.supplier.name}的中标（成交）"
                f"结果已撤销：{award.revoked_reason}（{award.revoked_basis}）。{follows}"
                f"（{REVOKE_BASIS}：质疑答复导致中标、成交结果改变的，应书面报告本级财政部门）",
           link=notice.get_absolute_url(), now=now)
