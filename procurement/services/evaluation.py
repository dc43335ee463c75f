"""The evaluation committee: drawn at random from the expert pool, without conflicts."""

import random
import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertProfile, Membership
from accounts.permissions import require_role
from audit.services import audit_record
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_open
from notifications.services import notify
from rules.registry import rule

from .. import scoring, sealing, steps
from ..holds import check_not_held
from ..methods import policy
from ..models import (
    Bid,
    BidFile,
    Committee,
    CommitteeMember,
    EvaluationResult,
    Lot,
    Review,
    Score,
)
from ..rules import deduction_rules
from .opening import lot_fail
from .projects import ORGANISER_ROLES, may_act, project_settle
from .queries import assert_not_invalidated, queries_block_report
from .rounds import final_quotes_block_report
from .verdicts import decided, failed, lot_verdicts

# The draw must not be predictable from the outside: the OS's randomness.
_rng = random.SystemRandom()


def committee_size(lot: Lot) -> int:
    """Tendering: ≥5, odd; ≥7 when the budget reaches the large-project amount (87号令
    第47条). Other methods: the panel of their policy (``methods``), odd."""
    panel = policy(lot.project.method).panel_rule_for(lot)  # 74号令 第7条: ≥5 above
    if panel == "committee.min_members":
        large = lot.budget >= int(rule("committee.large_budget").amount)
        panel = "committee.min_members_large" if large else panel
    size = int(rule(panel).amount)
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


@records_refusals()
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




# --- reviews, scores, the report ---------------------------------------------------

def _is_member(user, lot: Lot) -> bool:
    return CommitteeMember.objects.filter(committee__lot=lot, expert=user).exists()


def _is_organiser(user, lot: Lot) -> bool:
    return may_act(user, lot.project, ORGANISER_ROLES)


@records_refusals()
@transaction.atomic
def bid_review(*, bid: Bid, stage: str, passed: bool, reason: str = "", actor, now=None,
               ip=None) -> Review:
    """Record a verdict. Qualification is the purchaser's or agency's, one per bid
    (87号令 第44条); compliance is each committee member's own, the committee's
    conclusion the majority of them (第61条, ``verdicts``). A failure states its
    reason: the bidder is told it, and a dissent carries it into the report."""
    now = now or timezone.now()
    if stage not in Review.Stage.values:
        raise DomainError(_("Unknown review stage."), field="stage")
    bid = Bid.objects.select_related("lot__project").get(pk=bid.pk)
    lot = bid.lot
    if lot.status not in (Lot.Status.OPENED, Lot.Status.EVALUATING) or \
            bid.status in (Bid.Status.SEALED, Bid.Status.WITHDRAWN):
        raise InvalidTransition(_("Bids are reviewed after opening, before the report."))
    if Committee.objects.filter(lot=lot, report_at__isnull=False).exists():
        raise InvalidTransition(_("The evaluation report is submitted; reviews are closed."))
    allowed = _is_organiser(actor, lot) if stage == Review.Stage.QUALIFICATION \
        else _is_member(actor, lot)
    if not allowed:
        raise PermissionDenied(_("You are not entitled to this review."))
    assert_not_invalidated(bid, stage)
    reason = (reason or "").strip()
    if not passed and len(reason) < 5:
        raise DomainError(_("State the reason: the bidder is told why it failed."),
                          code="reason_required", field="reason", basis="87号令 第69条")
    if stage == Review.Stage.QUALIFICATION:
        # The organiser's one verdict, whichever of its officers records it (第44条).
        review, _created = Review.objects.update_or_create(
            bid=bid, stage=stage,
            defaults={"passed": passed, "reason": reason, "reviewer": actor, "at": now})
    else:
        # Each member's own verdict; the committee concludes by majority (第61条).
        review, _created = Review.objects.update_or_create(
            bid=bid, stage=stage, reviewer=actor,
            defaults={"passed": passed, "reason": reason, "at": now})
    if lot.status == Lot.Status.OPENED:  # the first review starts the evaluation
        transition(lot, Lot.Status.EVALUATING, table=steps.LOT, actor=actor, now=now)
        project_settle(project=lot.project, now=now, actor=actor)
    audit_record(action="bid.review", actor=actor, organization=lot.project.purchaser,
                 obj=bid, detail={"stage": stage, "passed": passed, "reason": reason},
                 ip=ip, now=now)
    return review


def bid_reader_role(user, bid: Bid) -> str:
    """Who may read an opened bid's documents: "member" of the lot's committee,
    "organiser" (an officer of the purchaser or its agency), or "" — nobody else, and
    nobody at all before the bid is opened."""
    if bid.opened_at is None or bid.status in (Bid.Status.SEALED, Bid.Status.WITHDRAWN):
        return ""
    if _is_member(user, bid.lot):
        return "member"
    return "organiser" if _is_organiser(user, bid.lot) else ""


@records_refusals()
@transaction.atomic
def bid_file_access(*, bid: Bid, actor, bid_file: BidFile | None = None, now=None,
                    ip=None) -> bytes | None:
    """The committee and the organiser read an opened bid: its itemised prices and
    declarations (``bid_file`` None) or one of its files, decrypted. Each access is
    recorded. Before opening nobody can: ``sealing.unseal`` refuses before the opening
    time, and a bid not yet opened is refused here first.

    1. only the lot's committee members and the purchaser's or agency's officers;
    2. the file is decrypted with the lot's key and checked against the SHA-256 of the
       receipt — a file swapped on disk fails;
    3. the access is audited (who, which bid, which file, as member or organiser)."""
    now = now or timezone.now()
    bid = Bid.objects.select_related("lot__project").get(pk=bid.pk)
    lot = bid.lot
    role = bid_reader_role(actor, bid)
    if not role:
        raise PermissionDenied(_("Only the committee and the organiser read a bid, after "
                                 "the opening."))
    data = None
    if bid_file is not None:
        if bid_file.bid_id != bid.pk:
            raise PermissionDenied(_("This file is not part of the bid."))
        with bid_file.blob.open("rb") as fh:
            sealed = fh.read()
        data = sealing.unseal(lot.wrapped_key, sealed, bid.aad + bid_file.sha256.encode(),
                              opening_at=lot.project.bid_deadline, now=now)
        if sealing.digest(data) != bid_file.sha256:
            raise DomainError(_("A sealed bid failed its integrity check."),
                              code="seal_broken")
    audit_record(action="bid.file_access", actor=actor, organization=lot.project.purchaser,
                 obj=bid, detail={"as": role, "file": bid_file.pk if bid_file else None,
                                  "name": bid_file.name if bid_file else "",
                                  "sha256": bid_file.sha256 if bid_file else ""},
                 ip=ip, now=now)
    return data


@records_refusals()
@transaction.atomic
def score_submit(*, bid: Bid, expert, points: dict, now=None, ip=None) -> list[Score]:
    """An expert's points for one bid on each non-price factor, within its weight."""
    now = now or timezone.now()
    lot = bid.lot
    if not _is_member(expert, lot):
        raise PermissionDenied(_("Only the lot's committee scores its bids."))
    if Committee.objects.filter(lot=lot, report_at__isnull=False).exists():
        raise InvalidTransition(_("The evaluation report is submitted; scores are closed."))
    criteria = {c.pk: c for c in lot.project.demand.criteria.exclude(kind="price")}
    if set(points) != set(criteria):
        raise DomainError(_("Score every factor except price."), code="scores_incomplete")
    saved = []
    for pk, value in points.items():
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise DomainError(_("Enter every score as a number."),
                              code="score_range") from None
        if not Decimal("0") <= value <= criteria[pk].weight:
            raise DomainError(_("“%(factor)s” is scored from 0 to %(max)s."),
                              params={"factor": criteria[pk].name, "max": criteria[pk].weight},
                              code="score_range")
        score, _created = Score.objects.update_or_create(
            bid=bid, expert=expert, criterion=criteria[pk], defaults={"points": value})
        saved.append(score)
    audit_record(action="bid.score", actor=expert, organization=lot.project.purchaser, obj=bid,
                 detail={"points": {str(k): str(v) for k, v in points.items()}}, ip=ip,
                 now=now)
    return saved


def _findings(bids: list[Bid], verdicts: dict) -> dict:
    """What the report records besides the ranking: each invalid bid with its reasons,
    and each dissent from a committee's conclusion with the member's reasons."""
    names = {b.pk: b.supplier.name for b in bids}
    invalid, dissents = [], []
    for bid in bids:
        for verdict in verdicts[bid.pk].values():
            if verdict.passed is False:
                invalid.append({"bid": bid.pk, "supplier": names[bid.pk],
                                "stage": verdict.stage, "reason": verdict.reason,
                                "basis": verdict.basis})
            for review in verdict.dissent:
                dissents.append({"bid": bid.pk, "supplier": names[bid.pk],
                                 "stage": verdict.stage, "conclusion": verdict.passed,
                                 "member": review.reviewer.display_name,
                                 "member_id": review.reviewer_id, "passed": review.passed,
                                 "reason": review.reason})
    return {"invalid": invalid, "dissents": dissents,
            "majority_basis": rule("evaluation.majority").basis}


def _audit_report(lot, actor, findings, ranking, ip, now) -> None:
    audit_record(action="evaluation.report", actor=actor, organization=lot.project.purchaser,
                 obj=lot, detail={"ranking": ranking, **findings}, ip=ip, now=now)


def _deduction_rates(lot: Lot) -> tuple[Decimal, Decimal]:
    """The deductions the purchaser chose for the lot (财库〔2022〕19号), printed in its
    announcement; a lot drafted before they were chosen takes the registry's minimum."""
    rate, consortium = deduction_rules(lot.project.demand.category)
    return (lot.sme_deduction if lot.sme_deduction is not None else Decimal(rate.amount),
            lot.sme_consortium_deduction if lot.sme_consortium_deduction is not None
            else Decimal(consortium.amount))


def _scale_of(payload: dict, category: str = "goods") -> dict:
    """What the SME declaration earns, as ``scoring.Offer`` arguments.

    - goods: the makers' scales of the items (财库〔2020〕46号 第4条: SME goods only when
      made by an SME; a bid mixing SME-made and large-made goods gets nothing). A
      declaration without items (older clients) has only the yes/no: "no" counts as a
      large maker; works and services are provided by the bidder itself: no makers;
    - a consortium: all members small or micro counts as one small firm; otherwise the
      small/micro share of the contract, for the consortium deduction (第9条), unless a
      member declared a control relationship.
    """
    declaration = payload.get("sme_declaration") or {}
    scale = declaration.get("scale", "")
    makers: tuple[str, ...] = ()
    if category == "goods":
        if declaration.get("items"):
            makers = tuple(i.get("maker_scale", "") for i in declaration["items"])
        elif not declaration.get("all_items_by_smes"):
            makers = ("unknown",)  # not all SME-made; which are, it does not say
    consortium = payload.get("consortium")
    if not consortium:
        return {"scale": scale, "makers": makers}
    parties = [(consortium["lead_scale"], Decimal(consortium["lead_share"]))] + [
        (m["scale"], Decimal(m["share"])) for m in consortium["members"]]
    if all(s in scoring.SMALL_MICRO for s, _share in parties):
        return {"scale": "small", "makers": makers}
    return {"scale": "", "makers": makers,
            "control_relationship": bool(consortium.get("control")),
            "consortium_small_share": sum(
                (share for s, share in parties if s in scoring.SMALL_MICRO), Decimal("0"))}


@records_refusals()
@transaction.atomic
def evaluation_complete(*, lot: Lot, actor, now=None, ip=None) -> list[EvaluationResult]:
    """The chair submits the report.

    0. every question to a bidder is settled, and every abnormally low price still in
       the running has an accepted explanation (87号令 第51、59、60条);
    1. every opened bid is decided: the organiser's qualification verdict and every
       member's compliance verdict, concluded by majority (87号令 第61条) — or invalid
       whatever the votes: above the budget or ceiling price (第63条), or on a question
       to the bidder; fewer qualified than the method needs fails the lot (第44条),
       bidders of the same brand of the core product counting as one (第31条);
    2. under comprehensive scoring every member has scored every passing bid;
    3. the results are computed (procurement.scoring) and stored with ranks; a tie is
       settled by the documents' rule or a random draw whose seed is recorded;
       the report keeps the invalid bids, the dissents and the ties (``report``);
    4. the purchaser's clock to confirm the winner in ranking order starts
       (条例 第43条: 5 working days).
    """
    now = now or timezone.now()
    lot = Lot.objects.select_for_update(of=("self",)).select_related(
        "project", "project__demand", "project__purchaser").get(pk=lot.pk)
    check_not_held(lot.project, now)  # a complaint suspends the procurement (法 第57条)
    committee = Committee.objects.filter(lot=lot).first()
    if committee is None or not CommitteeMember.objects.filter(
            committee=committee, expert=actor, role=CommitteeMember.Role.CHAIR).exists():
        raise PermissionDenied(_("The committee's chair submits the report."))
    if committee.report_at:
        raise InvalidTransition(_("The report has been submitted already."))
    queries_block_report(lot)
    final_quotes_block_report(lot)  # negotiation, consultation: on the final quotations
    bids = list(Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).select_related("supplier"))
    verdicts = lot_verdicts(lot, bids)
    if not all(decided(verdicts[b.pk]) for b in bids):
        raise DomainError(_("Every bid needs its qualification review and every member's "
                            "compliance verdict first."), code="reviews_incomplete")
    passing = [b for b in bids if not failed(verdicts[b.pk])]
    for bid in bids:
        transition(bid, Bid.Status.QUALIFIED if bid in passing else Bid.Status.REJECTED,
                   table=steps.BID, actor=actor, now=now)
    findings = _findings(bids, verdicts)
    method = policy(lot.project.method)
    needed, basis = method.min_qualified(lot), method.basis(method.min_qualified_rule)
    # Same brand of the core product: one bidder toward the minimum (87号令 第31条).
    counted = scoring.bidders_counted(
        {str(b.pk): (b.opened_payload or {}).get("brand", "") for b in passing})
    if counted < needed:
        committee.report_at = now
        committee.report = findings
        committee.save(update_fields=["report_at", "report"])
        brand = ""
        if counted < len(passing):
            brand = (f"（其中提供相同品牌核心产品的投标人计为一家，"
                     f"依{rule('bid.same_brand').basis}，合格投标人计{counted}家）")
        lot_fail(lot=lot, basis=basis, detail={"qualified": len(passing), "counted": counted},
                 now=now, actor=actor,
                 reason=f"资格审查和符合性审查后合格的投标人不足{needed}家{brand}"
                        f"（{basis}），本包废标。")
        _audit_report(lot, actor, findings, [], ip, now)
        return []
    demand = lot.project.demand
    # The method decides (methods.py): lowest price for negotiation and quotation,
    # scoring for consultation, the documents' own method for tendering.
    scoring_method = method.award_by == "scoring" or (
        method.award_by == "documents" and demand.evaluation_method == "scoring")
    members = list(committee.members.values_list("expert_id", flat=True))
    other, technical = {}, {}
    if scoring_method:
        factors = demand.criteria.exclude(kind="price").count()
        for bid in passing:
            rows = list(Score.objects.filter(bid=bid).values_list("expert_id", "points"))
            if len({e for e, _p in rows}) != len(members) or len(rows) != len(members) * factors:
                raise DomainError(_("Every member must score every qualified bid."),
                                  code="scores_incomplete")
            other[bid.pk] = (sum(p for _e, p in rows) / len(members)).quantize(Decimal("0.01"))
            technical[bid.pk] = (sum(Score.objects.filter(
                bid=bid, criterion__kind="technical").values_list("points", flat=True),
                Decimal("0")) / len(members)).quantize(Decimal("0.01"))
    price_weight = sum((c.weight for c in demand.criteria.filter(kind="price")), Decimal("0"))
    rate, consortium = _deduction_rates(lot)
    offers = [scoring.Offer(
        key=str(b.pk), price=b.price, **_scale_of(b.opened_payload or {}, demand.category),
        brand=(b.opened_payload or {}).get("brand", ""),
        other_scores=other.get(b.pk, Decimal("0")),
        technical=technical.get(b.pk, Decimal("0"))) for b in passing]
    # A tie is settled as the documents say, else by a draw: the seed is drawn here and
    # recorded, so that anyone can replay the draw (87号令 第56、57条).
    seed = secrets.randbits(63)
    results = scoring.evaluate(
        offers, scoring=scoring_method, price_weight=price_weight or Decimal("100"),
        deduction_rate=rate, consortium_rate=consortium,
        reserved=lot.sme_reservation == Lot.Reservation.WHOLE,
        abnormal_threshold=Decimal(rule("price.abnormally_low").amount),
        tie_break=demand.tie_break, seed=seed)
    tied = [r for r in results if r.tied]
    if tied:
        findings["ties"] = {"tie_break": demand.tie_break,
                            "seed": str(seed) if any(r.drawn for r in tied) else "",
                            "bids": [int(r.key) for r in tied],
                            "basis": rule("evaluation.tie").basis}
    stored = []
    for r in results:
        bid = next(b for b in passing if str(b.pk) == r.key)
        stored.append(EvaluationResult.objects.create(
            bid=bid, evaluated_price=r.evaluated_price, deduction=r.deduction,
            price_score=r.price_score, other_score=other.get(bid.pk, Decimal("0")),
            total=r.total, rank=r.rank or None, candidate=r.candidate,
            abnormally_low=r.abnormally_low, tied=r.tied, notes=list(r.notes)))
        transition(bid, Bid.Status.SCORED, table=steps.BID, actor=actor, now=now)
    committee.report_at = now
    committee.report = findings
    committee.save(update_fields=["report_at", "report"])
    _audit_report(lot, actor, findings, [r.key for r in results if r.candidate], ip, now)
    # The report is on the platform at once (条例 第43条: within 2 working days), so
    # that clock is met on opening; the purchaser's confirmation clock starts now.
    deadline_open(subject=lot, clock="award.confirm", organization=lot.project.purchaser,
                  start=now, now=now, actor=actor)
    return stored
