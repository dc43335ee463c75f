"""Award: the purchaser confirms the winner in ranking order; the notice and the result
announcement go out; the contract-signing clock starts."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.permissions import require_role
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import InvalidTransition, RuleViolation
from core.money import yuan_in_words
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open
from notifications.services import notify
from rules.registry import rule

from .. import sealing, steps
from ..announcements import METHOD_ZH, render_result
from ..holds import check_not_held
from ..models import Announcement, Award, Bid, BidQuery, EvaluationResult, Lot, Project
from ..pdf import render_pdf
from ..signals import award_confirmed
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
    if result.rank != 1 or not result.candidate:
        raise RuleViolation(_("The winner is confirmed in ranking order: this bid is not the "
                              "first-ranked candidate."), code="ranking_order",
                            basis="条例 第43条")
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


