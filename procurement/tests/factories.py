"""factory_boy factories for procurement, with the states the services reach.

A test about contracts needs an awarded lot, not the tender that led to it: running
announce → bid → open → review → score → report → confirm through the services cost
seconds of setup per test. These factories write the rows those services would have
written, directly (no ``transition``, no audit event, no message):

- ``ProjectFactory(opened=True)``: a project in a state, with one lot in the matching
  state (``LOT_OF``), its demand (items, criteria), budget line and intention;
- ``LotFactory(bidding=True)`` … ``awarded`` / ``failed``: a lot and its project;
- ``BidFactory`` sealed for real with the lot's key, receipt and an encrypted file,
  or ``opened=True`` with its price and declarations as opening writes them;
- ``AwardFactory``: an evaluated lot (committee, reviews, scores, ranked results)
  whose first-ranked bid is confirmed, with the notice PDF and its hash, the result
  announcement and the two clocks (``award.confirm`` met, ``contract.sign`` open).

Clocks are the one thing built through a service (``deadlines.services``, which
records and tells as it always does): their due times come from the rule in force and
the working-day calendar, which a factory must not compute a second way. The service
journeys themselves are tested in ``test_steps_services.py`` and the browser journeys;
fixtures that need them keep them (``contracts.tests.fixtures.award_lot``). Each
factory is checked against its service journey in ``test_factories.py``.

Money is Decimal, times are aware in Asia/Shanghai, around the same March 2026
tender as the fixtures (``NOW``, ``DEADLINE``).
"""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.core.files.base import ContentFile
from django.db.models import Max
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organization
from accounts.tests.factories import (
    ExpertProfileFactory,
    MembershipFactory,
    OrganizationFactory,
    SupplierFactory,
    UserFactory,
)
from procurement import scoring, sealing
from procurement.announcements import render_failure, render_result, render_tender
from procurement.models import (
    Announcement,
    Award,
    Bid,
    BidFile,
    BudgetLine,
    Committee,
    CommitteeMember,
    Demand,
    DemandItem,
    DocumentDownload,
    EvaluationCriterion,
    EvaluationResult,
    Lot,
    ProcurementIntention,
    Project,
    Review,
    Score,
)
from rules.registry import rule

CST = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # a Monday, after Spring Festival 2026
DEADLINE = NOW + dt.timedelta(days=21)           # bids open on Monday 23 March
SEALED_AT = NOW + dt.timedelta(days=2)
REPORTED_AT = DEADLINE + dt.timedelta(hours=2)   # the committee's report
AWARDED_AT = DEADLINE + dt.timedelta(days=1)     # Tuesday 24 March
BID_FILE = b"%PDF-1.7\n%%EOF\n"

P, L, B = Project.Status, Lot.Status, Bid.Status

# The lot's status in a project of each status (one lot per factory-built project).
LOT_OF = {P.DRAFT: L.PENDING, P.SUBMITTED: L.PENDING, P.BUREAU_REVIEW: L.PENDING,
          P.APPROVED: L.PENDING,
          P.ANNOUNCED: L.BIDDING, P.OPENED: L.OPENED, P.EVALUATING: L.EVALUATING,
          P.AWARDED: L.AWARDED, P.FAILED: L.FAILED, P.CANCELLED: L.CANCELLED}
ANNOUNCED = {P.ANNOUNCED, P.OPENED, P.EVALUATING, P.AWARDED, P.FAILED}

ITEMS = [{"name": "台式计算机", "catalog_code": "A02010105", "quantity": Decimal("60"),
          "unit": "台", "specification": "处理器不低于8核，内存16GB，固态硬盘512GB",
          "is_core": True}]
CRITERIA = [
    {"kind": "price", "name": "价格", "weight": Decimal("40"), "description": ""},
    {"kind": "technical", "name": "技术参数响应", "weight": Decimal("45"), "description": ""},
    {"kind": "commercial", "name": "售后服务方案", "weight": Decimal("15"), "description": ""},
]


def simple_pdf(text: str = "chunfeng") -> bytes:
    """A small valid one-page PDF (pdftotext reads ``text``): what a factory stores
    where a service would have rendered a document with WeasyPrint, which costs a
    quarter of a second a page and seconds to start. Tests that read a rendered
    document's words build it through the service."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def member(organization: Organization, role: str = Membership.Role.OFFICER, **user):
    """A new user with ``role`` in ``organization``."""
    person = UserFactory(**user)
    MembershipFactory(user=person, organization=organization, role=role)
    return person


def staff_of(organization: Organization, *roles: str):
    """Someone of ``organization`` with one of ``roles`` (an existing one first)."""
    roles = roles or (Membership.Role.OFFICER, Membership.Role.ADMIN)
    found = (Membership.objects.filter(organization=organization, role__in=roles,
                                       is_active=True)
             .select_related("user").order_by("pk").first())
    return found.user if found else member(organization, roles[0])


def next_project_code(year: int = 2026) -> str:
    """The next free project number, counted as ``project_create`` counts: a factory's
    project and a service's never take the same number, whichever comes first."""
    prefix = f"WDCG-{year}-"
    last = (Project.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
            or f"{prefix}0000")
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1:04d}"


class PurchaserFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"测试采购单位{n}")
    kind = Organization.Kind.PURCHASER


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    purchaser = factory.SubFactory(PurchaserFactory)
    year = 2026
    code = factory.Sequence(lambda n: f"2026-CS-{n:04d}")
    name = "中小学信息化设备"
    amount = Decimal("800000.00")
    source = BudgetLine.Source.FISCAL
    created_by = factory.LazyAttribute(lambda o: staff_of(o.purchaser))


class IntentionFactory(DjangoModelFactory):
    """Published 40 days before the tender: announcing needs 30 (财库〔2020〕10号)."""

    class Meta:
        model = ProcurementIntention

    purchaser = factory.SubFactory(PurchaserFactory)
    title = "计算机教室设备"
    summary = "计算机60台"
    budget = Decimal("600000.00")
    expected_month = dt.date(2026, 3, 1)
    published_at = NOW - dt.timedelta(days=40)
    created_by = factory.LazyAttribute(lambda o: staff_of(o.purchaser))


class DemandFactory(DjangoModelFactory):
    """A checked demand with the computer-room item and the three scoring factors;
    ``used=True`` once a project is drafted from it (``ProjectFactory`` does)."""

    class Meta:
        model = Demand
        skip_postgeneration_save = True

    class Params:
        used = factory.Trait(status=Demand.Status.USED)
        lowest_price = factory.Trait(evaluation_method=Demand.Method.LOWEST_PRICE)

    purchaser = factory.SubFactory(PurchaserFactory)
    title = "魏都区中小学计算机教室设备采购"
    category = Demand.Category.GOODS
    budget_line = factory.SubFactory(BudgetLineFactory,
                                     purchaser=factory.SelfAttribute("..purchaser"))
    intention = factory.SubFactory(IntentionFactory,
                                   purchaser=factory.SelfAttribute("..purchaser"))
    technical_requirements = "计算机60台，满足教学需要；提供三年原厂质保。"
    commercial_requirements = "合同签订后30日内交货安装。"
    evaluation_method = Demand.Method.SCORING
    status = Demand.Status.CHECKED
    checked_at = NOW
    created_by = factory.LazyAttribute(lambda o: staff_of(o.purchaser))

    @factory.post_generation
    def items(demand, create, extracted, **kwargs):
        if not create:
            return
        for item in extracted if extracted is not None else ITEMS:
            DemandItem.objects.create(
                demand=demand, name=item["name"], catalog_item_id=item["catalog_code"],
                quantity=item["quantity"], unit=item["unit"],
                specification=item.get("specification", ""), is_core=item.get("is_core", False))

    @factory.post_generation
    def criteria(demand, create, extracted, **kwargs):
        if not create or demand.evaluation_method == Demand.Method.LOWEST_PRICE:
            return
        for criterion in extracted if extracted is not None else CRITERIA:
            EvaluationCriterion.objects.create(demand=demand, **criterion)


# --- the steps, as state: what each service leaves besides the status -------------

def _tender_notice(project: Project) -> None:
    """``project_announce``'s tender notice (written once the lots are there)."""
    if project.announcements.filter(kind=Announcement.Kind.TENDER).exists():
        return
    title, body, fields = render_tender(project)
    Announcement.objects.create(project=project, kind=Announcement.Kind.TENDER, title=title,
                                body=body, fields=fields, published_at=project.announced_at)


def announce(project: Project, *, at: dt.datetime = NOW,
             deadline: dt.datetime = DEADLINE) -> Project:
    """An approved project announced at ``at`` (as ``project_announce``): documents for
    a week, bids until ``deadline``, each lot open for bidding with its wrapped key, and
    the tender notice."""
    project.documents_from, project.documents_until = at, at + dt.timedelta(days=7)
    project.bid_deadline, project.announced_at, project.status = deadline, at, P.ANNOUNCED
    project.save(update_fields=["documents_from", "documents_until", "bid_deadline",
                                "announced_at", "status"])
    for lot in project.lots.filter(status=L.PENDING):
        lot.wrapped_key, lot.status = sealing.new_lot_key(), L.BIDDING
        lot.save(update_fields=["wrapped_key", "status"])
    _tender_notice(project)
    return project


def open_bids(lot: Lot, *, at: dt.datetime | None = None) -> Lot:
    """The lot opened at its deadline (as ``lot_open`` with enough bids): each sealed
    bid unsealed with the lot's key, so the price is the one sealed; the project
    follows its lots."""
    project = lot.project
    at = at or project.bid_deadline
    for bid in lot.bids.filter(status=B.SEALED):
        plain = json.loads(sealing.unseal(lot.wrapped_key, bid.sealed_payload, bid.aad,
                                          opening_at=project.bid_deadline, now=at))
        bid.price, bid.opened_payload = Decimal(plain["price"]), plain
        bid.opened_at, bid.status = at, B.OPENED
        bid.save(update_fields=["price", "opened_payload", "opened_at", "status"])
    lot.opened_at, lot.status = at, L.OPENED
    lot.save(update_fields=["opened_at", "status"])
    _follow(project, P.OPENED)
    return lot


def _follow(project: Project, status: str) -> None:
    """The project moves with its lots, forward only (``project_settle``)."""
    order = [P.ANNOUNCED, P.OPENED, P.EVALUATING, P.AWARDED]
    if project.status in order and order.index(status) > order.index(project.status):
        Project.objects.filter(pk=project.pk).update(status=status)
        project.status = status


def bidders(lot: Lot, n: int = 3, *, first_price=Decimal("500000.00"), opened=True,
            name="投标人") -> list[Organization]:
    """``n`` small suppliers, each with its administrator, sealing bids one yuan apart
    (``投标人0`` lowest); with ``opened`` the lot is then opened."""
    orgs = []
    for i in range(n):
        org = SupplierFactory(name=f"{name}{i}")
        member(org, Membership.Role.ADMIN)
        BidFactory(lot=lot, supplier=org, amount=first_price + i)
        orgs.append(org)
    if opened:
        open_bids(lot)
    return orgs


def experts(n: int) -> list:
    """``n`` available experts without any conflict."""
    return [ExpertProfileFactory().user for _ in range(n)]


def evaluate(lot: Lot, *, at: dt.datetime = REPORTED_AT, points=Decimal("10")) -> Committee:
    """The committee's work on an opened lot, as the services leave it once the chair
    has submitted the report: five experts (the first the chair), both reviews passed,
    every member's ``points`` on every non-price factor, the results ranked by the
    scoring rules themselves (``procurement.scoring``), bids scored, the lot under
    evaluation and the purchaser's ``award.confirm`` clock started."""
    from deadlines.services import deadline_open

    project = lot.project
    officer = staff_of(project.purchaser)
    committee = Committee.objects.create(lot=lot, drawn_at=at, drawn_by=officer, pool_size=5,
                                         excluded=[], report_at=at)
    people = experts(5)
    CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=committee, expert=expert,
                        role=CommitteeMember.Role.CHAIR if i == 0
                        else CommitteeMember.Role.MEMBER)
        for i, expert in enumerate(people))
    bids = list(lot.bids.filter(status=B.OPENED).order_by("pk"))
    criteria = list(project.demand.criteria.exclude(kind="price"))
    Review.objects.bulk_create(
        Review(bid=bid, stage=stage, passed=True, reviewer=reviewer, at=at)
        for bid in bids for stage, reviewer in (("qualification", officer),
                                                *(("compliance", p) for p in people)))
    Score.objects.bulk_create(Score(bid=bid, expert=expert, criterion=c, points=points)
                              for bid in bids for expert in people for c in criteria)
    other = (points * len(criteria)).quantize(Decimal("0.01"))
    demand = project.demand
    works = demand.category == Demand.Category.ENGINEERING
    price_weight = sum((c.weight for c in demand.criteria.filter(kind="price")), Decimal("0"))
    results = scoring.evaluate(
        [scoring.Offer(key=str(b.pk), price=b.price,
                       scale=(b.opened_payload.get("sme_declaration") or {}).get("scale", ""),
                       brand=b.opened_payload.get("brand", ""),
                       other_scores=other if criteria else Decimal("0")) for b in bids],
        scoring=demand.evaluation_method == Demand.Method.SCORING,
        price_weight=price_weight or Decimal("100"),
        deduction_rate=Decimal(rule("sme.deduction_works" if works
                                    else "sme.deduction_goods").amount),
        consortium_rate=Decimal(rule("sme.consortium_deduction_works" if works
                                     else "sme.consortium_deduction_goods").amount),
        reserved=lot.sme_reservation == Lot.Reservation.WHOLE,
        abnormal_threshold=Decimal(rule("price.abnormally_low").amount))
    by_key = {str(b.pk): b for b in bids}
    EvaluationResult.objects.bulk_create(EvaluationResult(
        bid=by_key[r.key], evaluated_price=r.evaluated_price, deduction=r.deduction,
        price_score=r.price_score, other_score=other if criteria else Decimal("0"),
        total=r.total, rank=r.rank or None, candidate=r.candidate,
        abnormally_low=r.abnormally_low, notes=list(r.notes)) for r in results)
    Bid.objects.filter(pk__in=[b.pk for b in bids]).update(status=B.SCORED)
    Lot.objects.filter(pk=lot.pk).update(status=L.EVALUATING)
    lot.status = L.EVALUATING
    _follow(project, P.EVALUATING)
    deadline_open(subject=lot, clock="award.confirm", organization=project.purchaser,
                  start=at, now=at)
    return committee


def first_ranked(lot: Lot) -> Bid:
    """The first-ranked bid of the lot's report (evaluating the lot first if need be)."""
    if not EvaluationResult.objects.filter(bid__lot=lot).exists():
        if lot.status == L.OPENED and not lot.bids.filter(status=B.OPENED).exists():
            bidders(lot, opened=False)
            open_bids(lot)
        evaluate(lot)
    return Bid.objects.get(lot=lot, result__rank=1)


def opened_lot(**kwargs) -> Lot:
    """A lot opened with three SME bidders (``投标人0`` the lowest, 500,000 yuan)."""
    return LotFactory(opened=True, **kwargs)


# --- the factories -----------------------------------------------------------------

_APPROVED = {"approved_by": factory.LazyAttribute(
                 lambda o: member(o.purchaser, Membership.Role.APPROVER)),
             "approved_at": NOW}
_ANNOUNCED = {"documents_from": NOW, "documents_until": NOW + dt.timedelta(days=7),
              "bid_deadline": DEADLINE, "announced_at": NOW}


class ProjectFactory(DjangoModelFactory):
    """An open tender of a purchaser, with one lot (``lot=None`` for none).

    States as traits: ``submitted``, ``approved``, ``announced`` (bidding open until
    ``DEADLINE``), ``opened``, ``evaluating``, ``awarded``, ``failed``, ``cancelled``.
    The lot follows the project (``LOT_OF``), and ``LotFactory`` builds what its state
    implies: bids, the committee's report, the award.
    """

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        # Each trait names every field it sets: a trait that turns on another trait is
        # not followed when it is itself turned on through a SubFactory.
        submitted = factory.Trait(status=P.SUBMITTED)
        approved = factory.Trait(status=P.APPROVED, **_APPROVED)
        announced = factory.Trait(status=P.ANNOUNCED, **_APPROVED, **_ANNOUNCED)
        opened = factory.Trait(status=P.OPENED, **_APPROVED, **_ANNOUNCED)
        evaluating = factory.Trait(status=P.EVALUATING, **_APPROVED, **_ANNOUNCED)
        awarded = factory.Trait(status=P.AWARDED, **_APPROVED, **_ANNOUNCED)
        failed = factory.Trait(status=P.FAILED, **_APPROVED, **_ANNOUNCED)
        cancelled = factory.Trait(status=P.CANCELLED, cancel_reason="采购需求发生重大变化")

    code = factory.LazyFunction(next_project_code)
    title = factory.SelfAttribute("demand.title")
    purchaser = factory.SubFactory(PurchaserFactory)
    demand = factory.SubFactory(DemandFactory, purchaser=factory.SelfAttribute("..purchaser"),
                                used=True)
    budget_line = factory.SelfAttribute("demand.budget_line")
    method = Project.Method.OPEN
    status = P.DRAFT
    contact_name = "李爱丽"
    contact_phone = "0374-2961020"
    drafted_by = factory.LazyAttribute(lambda o: staff_of(o.purchaser))
    assistant = factory.SelfAttribute("drafted_by")

    lot = factory.RelatedFactory("procurement.tests.factories.LotFactory",
                                 factory_related_name="project")


class LotFactory(DjangoModelFactory):
    """Lot 1 of its project, in the project's state (``LotFactory(project=p)``), or
    with a project of its own in a state (``LotFactory(opened=True)``). As the
    fixtures' tender: reserved wholly for SMEs, budget 600,000 and ceiling 580,000
    yuan, the demand's items.

    What the state implies is built with it: a lot open for bidding (or past it) has
    its wrapped data key and the project its tender notice; an opened one three
    opened bids (``bids=n`` for another number; ``bids=0`` leaves it open for bidding, to
seal bids of one's own and ``open_bids``); an evaluating
    one the committee's report (``evaluate``); an awarded one its ``Award``; a failed
    one (too few bids at opening) its reason and failure notice."""

    class Meta:
        model = Lot
        skip_postgeneration_save = True

    class Params:
        bidding = factory.Trait(project__announced=True)
        opened = factory.Trait(project__opened=True)
        evaluating = factory.Trait(project__evaluating=True)
        awarded = factory.Trait(project__awarded=True)
        failed = factory.Trait(project__failed=True)

    project = factory.SubFactory(ProjectFactory, lot=None)
    number = factory.LazyAttribute(
        lambda o: (o.project.lots.aggregate(m=Max("number"))["m"] or 0) + 1)
    title = "计算机教室设备"
    budget = Decimal("600000.00")
    ceiling_price = Decimal("580000.00")
    sme_reservation = Lot.Reservation.WHOLE
    reserved_share = Decimal("100")
    # Created as far as the bidding goes; the hooks below take it further.
    status = factory.LazyAttribute(
        lambda o: L.BIDDING if LOT_OF[o.project.status] in (L.OPENED, L.EVALUATING, L.AWARDED)
        else LOT_OF[o.project.status])
    wrapped_key = factory.LazyAttribute(
        lambda o: None if o.status in (L.PENDING, L.CANCELLED) else sealing.new_lot_key())
    opened_at = factory.LazyAttribute(
        lambda o: o.project.bid_deadline if o.status == L.FAILED else None)
    failure_reason = factory.LazyAttribute(
        lambda o: "截至投标截止时间仅收到0份投标，开标至少需要3份（87号令 第43条）。本包不开标："
                  "请重新招标或变更采购方式。" if o.status == L.FAILED else "")

    @factory.post_generation
    def items(lot, create, extracted, **kwargs):
        """The lot procures the demand's items (a single lot takes them all)."""
        if create:
            lot.items.set(extracted if extracted is not None
                          else lot.project.demand.items.all())
            if lot.project.status in ANNOUNCED:
                _tender_notice(lot.project)

    @factory.post_generation
    def bids(lot, create, extracted, **kwargs):
        if not create:
            return
        target = LOT_OF[lot.project.status]
        if target == L.FAILED:
            title, body, fields = render_failure(lot=lot, reason=lot.failure_reason,
                                                 basis="87号令 第43条", detail={"bids": 0})
            Announcement.objects.create(project=lot.project, kind=Announcement.Kind.FAILURE,
                                        title=title, body=body, fields=fields,
                                        published_at=lot.opened_at)
        if target not in (L.OPENED, L.EVALUATING, L.AWARDED):
            return
        bidders(lot, 3 if extracted is None else extracted, opened=False)
        open_bids(lot)
        if target in (L.EVALUATING, L.AWARDED):
            evaluate(lot)
        if target == L.AWARDED:
            AwardFactory(lot=lot)


class BidFactory(DjangoModelFactory):
    """A bid sealed as ``bid_submit`` seals it: the declarations encrypted with the
    lot's key and the bid's identity, the receipt over them and the file's hash, one
    encrypted file (``files=False`` for none), and the supplier's record of having
    obtained the documents. ``amount``, ``scale`` and ``extra`` (price_words, lines,
    consortium, brand, model) are what the bidder sealed.

    ``opened=True``: as ``lot_open`` leaves it — price, declarations, opening time
    (on a lot opened already; ``open_bids`` opens a lot and its bids together).
    Later statuses are plain ``status=`` values on an opened bid."""

    class Meta:
        model = Bid
        skip_postgeneration_save = True

    class Params:
        opened = factory.Trait(
            status=B.OPENED,
            price=factory.SelfAttribute("amount"),
            opened_payload=factory.LazyAttribute(
                lambda o: _payload(o.amount, o.scale, dict(o.extra))),
            opened_at=factory.LazyAttribute(lambda o: o.lot.opened_at or DEADLINE))

    lot = factory.SubFactory(LotFactory, bidding=True)
    supplier = factory.SubFactory(SupplierFactory)
    submitted_by = factory.LazyAttribute(
        lambda o: staff_of(o.supplier, Membership.Role.ADMIN, Membership.Role.OFFICER))
    status = B.SEALED
    sealed_at = SEALED_AT
    contact_name = "x"
    contact_phone = "1"
    # What was sealed (taken out before the model sees them, in _create).
    amount = Decimal("500000.00")
    scale = "small"
    extra = factory.Dict({})

    @classmethod
    def _create(cls, model_class, *args, amount, scale, extra, **kwargs):
        bid = model_class(*args, sealed_payload=b"", **kwargs)
        payload = _payload(amount, scale, dict(extra))
        bundle = json.dumps({"payload": payload, "files": [sealing.digest(BID_FILE)]},
                            sort_keys=True, ensure_ascii=False).encode()
        bid.receipt_sha256 = sealing.digest(bundle)
        bid.sealed_payload = sealing.seal(bid.lot.wrapped_key, json.dumps(payload).encode(),
                                          bid.aad)
        bid.save()
        DocumentDownload.objects.get_or_create(
            project=bid.lot.project, supplier=bid.supplier,
            defaults={"user": bid.submitted_by, "at": bid.sealed_at})
        return bid

    @factory.post_generation
    def files(bid, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        sha = sealing.digest(BID_FILE)
        record = BidFile(bid=bid, name="a.pdf", kind="pdf", size=len(BID_FILE), sha256=sha)
        record.blob.save("sealed.bin", ContentFile(
            sealing.seal(bid.lot.wrapped_key, BID_FILE, bid.aad + sha.encode())), save=False)
        record.save()


def _payload(price, scale: str, extra: dict) -> dict:
    """The declarations as ``bid_submit`` seals them (JSON: the price as a string)."""
    return {"price": str(Decimal(price).quantize(Decimal("0.01"))),
            "brand": extra.pop("brand", ""), "model": extra.pop("model", ""),
            "sme_declaration": {"scale": scale,
                                "all_items_by_smes": extra.pop("sme_items_by_smes", True)},
            **extra}


class AwardFactory(DjangoModelFactory):
    """The first-ranked bid confirmed (as ``award_confirm`` leaves it): the notice PDF
    and its SHA-256, the lot awarded, the winner won and the others lost, the project
    awarded, the result announcement, the ``award.confirm`` clock met and the two
    parties' ``contract.sign`` clock started. No message is sent and
    ``award_confirmed`` is not: a fixture that wants the receivers' rows (the ledger,
    the banks' offers) delivers it (``contracts.tests.fixtures.awarded``).

    ``AwardFactory()`` builds the tender too; ``AwardFactory(lot=lot)`` takes an
    opened or evaluated lot and evaluates it if need be."""

    class Meta:
        model = Award

    lot = factory.LazyFunction(opened_lot)
    bid = factory.LazyAttribute(lambda o: first_ranked(o.lot))
    amount = factory.SelfAttribute("bid.price")
    confirmed_by = factory.LazyAttribute(lambda o: staff_of(o.lot.project.purchaser))
    confirmed_at = AWARDED_AT
    notice_sha256 = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        award = super()._create(model_class, *args, **kwargs)
        lot, project = award.lot, award.lot.project
        number = f"{project.code}-{lot.number:02d}"
        pdf = simple_pdf(f"{number} award notice")
        award.notice_sha256 = sealing.digest(pdf)
        award.notice_pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
        award.save(update_fields=["notice_pdf", "notice_sha256"])
        _settle_award(award)
        return award


def _settle_award(award: Award) -> None:
    from deadlines.services import deadline_meet, deadline_open

    lot, project, at = award.lot, award.lot.project, award.confirmed_at
    Lot.objects.filter(pk=lot.pk).update(status=L.AWARDED)
    lot.status = L.AWARDED
    live = Bid.objects.filter(lot=lot).exclude(status=B.WITHDRAWN)
    live.exclude(pk=award.bid_id).update(status=B.LOST)
    live.filter(pk=award.bid_id).update(status=B.WON)
    award.bid.status = B.WON
    _follow(project, P.AWARDED)
    deadline_meet(subject=lot, clock="award.confirm", at=at, now=at)
    winner = award.bid.supplier
    signers = [m.user for m in Membership.objects.filter(
        organization__in=[project.purchaser, winner], is_active=True,
        role__in=[Membership.Role.OFFICER, Membership.Role.ADMIN]).select_related("user")]
    assistant = project.assistant or project.drafted_by
    deadline_open(subject=award, clock="contract.sign", organization=project.purchaser,
                  start=at, now=at,
                  responsible_users=list({u.pk: u for u in [*signers, assistant]}.values()))
    # The result announcement as ``award_confirm`` renders it (announcements.py).
    title, body, fields = render_result(lot=lot, bid=award.bid, amount=award.amount, now=at)
    Announcement.objects.create(project=project, kind=Announcement.Kind.RESULT, title=title,
                                body=body, fields=fields, published_at=at)
