"""One OCDS 1.1 release per stage event of a procurement, read from the lifecycle's rows.

A project's releases (``project_releases``), in date order, each with a stable id
``<ocid>-<stage>-<event>`` so that the same event always gives the same release:

- ``planning``: the budget line (``planning.budget``, CNY) and the procurement intention;
- ``tender``: the tender notice — items classified by the 2022 government-procurement
  catalogue (scheme ``CN-GPC``, ours: no codelist entry exists), lots, method, period,
  value, documents, the challenge window (our complaints extension);
- ``tenderAmendment``: each clarification (``tender.amendments``, a moved deadline);
- ``tenderUpdate``: each lot's opening — the bids (bids extension) and the tenderers —
  and each lot's failure; ``tenderCancellation``: the project cancelled;
- ``award`` / ``awardUpdate``: each award, and its revocation;
- ``contract``: each contract signed by both parties (its public PDF once published);
- ``implementation``: each payment (``transactions``) with the milestones;
- ``tenderUpdate`` too for each published challenge answer and complaint decision.

Sealed bids: nothing about a lot's bids — not a count, not a tenderer — appears before
the lot's opening (``Lot.opened_at``); only opened bids are read, never a sealed payload.
Only what is public is read: a project appears once announced; a challenge once its
answer is published; never the facts, the evidence or the contact details.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from contracts.models import Contract
from deadlines.clock import compute_due
from procurement.methods import policy
from procurement.models import Announcement, Award, Bid, Lot, Project
from rules.registry import rule

CST = ZoneInfo("Asia/Shanghai")
CURRENCY = "CNY"
# 政府采购品目分类目录 (财库〔2022〕31号): no org-id or OCDS codelist entry exists, so the
# scheme id is our own; documented in disclosure/ocds/README.md.
CATALOGUE_SCHEME = "CN-GPC"
# org-id.guide's list for China's unified social credit code (GB 32100-2015). verify
USCC_SCHEME = "CN-USCC"

A = Announcement.Kind
P = Project.Method
B = Bid.Status
L = Lot.Status

# procurementMethod from the method's policy (procurement.methods): a restricted method
# invites (invitational tendering draws from the qualified: "selective"; single source
# names one: "direct"); the others are announced publicly and anyone who obtains the
# documents may respond: "open". The Chinese name goes in procurementMethodDetails.
METHOD_DETAILS = {P.OPEN: "公开招标", P.INVITED: "邀请招标", P.NEGOTIATION: "竞争性谈判",
                  P.CONSULTATION: "竞争性磋商", P.QUOTATION: "询价",
                  P.SINGLE_SOURCE: "单一来源采购"}
CATEGORY = {"goods": "goods", "service": "services", "engineering": "works"}
LOT_STATUS = {L.PENDING: "planning", L.BIDDING: "active", L.OPENED: "active",
              L.EVALUATING: "active", L.AWARDED: "complete", L.FAILED: "unsuccessful",
              L.CANCELLED: "cancelled"}
TENDER_STATUS = {Project.Status.ANNOUNCED: "active", Project.Status.OPENED: "active",
                 Project.Status.EVALUATING: "active", Project.Status.AWARDED: "complete",
                 Project.Status.FAILED: "unsuccessful", Project.Status.CANCELLED: "cancelled"}
# bids extension: bidStatus codelist (invited, pending, valid, disqualified, withdrawn)
BID_STATUS = {B.OPENED: "pending", B.QUALIFIED: "valid", B.SCORED: "valid", B.WON: "valid",
              B.LOST: "valid", B.REJECTED: "disqualified"}
DECISION = {"upheld": "upheld", "partly": "partlyUpheld", "dismissed": "dismissed"}

LOTS_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                  "ocds_lots_extension/v1.1.5/extension.json")
BIDS_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                  "ocds_bid_extension/v1.1.5/extension.json")


def ocid_for(project_code: str) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{project_code}"


def code_from_ocid(ocid: str) -> str | None:
    prefix = f"{settings.OCDS_OCID_PREFIX}-"
    return ocid[len(prefix):] if ocid.startswith(prefix) else None


def iso(value) -> str | None:
    """ISO 8601 in China Standard Time (+08:00); a date is the start of its day."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(CST).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time(), tzinfo=CST).isoformat(timespec="seconds")


def money(amount) -> dict:
    return {"amount": float(Decimal(amount).quantize(Decimal("0.01"))), "currency": CURRENCY}


def absolute(path: str) -> str:
    return f"{settings.OCDS_BASE_URL}{path}"


def lot_id(lot: Lot) -> str:
    return str(lot.number)


# --- parties ---------------------------------------------------------------------------

def party_id(organization) -> str:
    if organization.credit_code:
        return f"{USCC_SCHEME}-{organization.credit_code}"
    return f"chunfeng-org-{organization.pk}"


def org_ref(organization) -> dict:
    return {"id": party_id(organization), "name": organization.name}


class Parties:
    """The parties of one release, each organisation once with all its roles."""

    def __init__(self):
        self._parties = {}

    def add(self, organization, *roles, contact=None) -> dict:
        pid = party_id(organization)
        party = self._parties.get(pid)
        if party is None:
            party = {"id": pid, "name": organization.name, "roles": []}
            if organization.credit_code:
                party["identifier"] = {"scheme": USCC_SCHEME, "id": organization.credit_code,
                                       "legalName": organization.name}
            if organization.address:
                party["address"] = {"streetAddress": organization.address,
                                    "countryName": "中国"}
            if contact:
                party["contactPoint"] = contact
            self._parties[pid] = party
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        return org_ref(organization)

    def as_list(self) -> list:
        return list(self._parties.values())


def _buyer(project: Project, parties: Parties) -> dict:
    """The purchaser (buyer; and procuring entity unless an agency runs the procedure),
    with the project's published contact."""
    contact = {"name": project.contact_name, "telephone": project.contact_phone}
    roles = ("buyer",) if project.agency_id else ("buyer", "procuringEntity")
    return parties.add(project.purchaser, *roles, contact=contact)


def _procuring_entity(project: Project, parties: Parties) -> dict:
    if project.agency_id:
        return parties.add(project.agency, "procuringEntity")
    return org_ref(project.purchaser)


# --- one release ----------------------------------------------------------------------

def _release(project: Project, *, stage: str, event: str, date, tags: list[str],
             parties: Parties, **sections) -> dict:
    ocid = ocid_for(project.code)
    release = {"ocid": ocid, "id": f"{ocid}-{stage}-{event}", "date": iso(date),
               "tag": tags, "initiationType": "tender", "language": "zh",
               "parties": parties.as_list(), "buyer": org_ref(project.purchaser)}
    release.update({k: v for k, v in sections.items() if v is not None})
    return release


def _notice_doc(notice: Announcement, document_type: str) -> dict:
    return {"id": f"notice-{notice.pk}", "documentType": document_type,
            "title": notice.title, "url": absolute(notice.get_absolute_url()),
            "datePublished": iso(notice.published_at), "format": "text/html",
            "language": "zh"}


def _items(project: Project) -> list:
    items = []
    for lot in project.lots.all():
        for item in lot.items.select_related("catalog_item").order_by("pk"):
            entry = {"id": str(item.pk), "description": item.name, "quantity": float(item.quantity),
                     "unit": {"name": item.unit}, "relatedLot": lot_id(lot)}
            if item.catalog_item_id:
                entry["classification"] = {"scheme": CATALOGUE_SCHEME,
                                           "id": item.catalog_item.code,
                                           "description": item.catalog_item.name}
            items.append(entry)
    return items


def _lots(project: Project, *, at=None) -> list:
    lots = []
    for lot in project.lots.all():
        status = LOT_STATUS[lot.status]
        if at is not None and lot.opened_at and at < lot.opened_at:
            status = "active"
        lots.append({"id": lot_id(lot), "title": lot.title, "status": status,
                     "value": money(lot.budget)})
    return lots


def complaint_period(project: Project) -> dict | None:
    """The window to challenge the documents: from their publication until 7 working
    days (rule ``challenge.file``) after the end of the period they are offered in
    (条例 第53条; the later of the two days, as ``complaints.windows`` reads it)."""
    if not project.documents_until:
        return None
    r = rule("challenge.file")
    due = compute_due(start=project.documents_until, amount=int(r.amount), unit=r.unit)
    return {"startDate": iso(project.documents_from or project.announced_at),
            "endDate": iso(due.at)}


def _tender_core(project: Project, parties: Parties, *, deadline=None) -> dict:
    restricted = policy(project.method).restricted
    method = ("direct" if project.method == P.SINGLE_SOURCE
              else "selective" if restricted else "open")
    tender = {
        "id": project.code, "title": project.title, "status": "active",
        "procuringEntity": _procuring_entity(project, parties),
        "items": _items(project), "lots": _lots(project, at=project.announced_at),
        "value": money(project.budget),
        "procurementMethod": method,
        "procurementMethodDetails": METHOD_DETAILS[project.method],
        "mainProcurementCategory": CATEGORY.get(project.demand.category),
        "tenderPeriod": {"startDate": iso(project.announced_at),
                         "endDate": iso(deadline or project.bid_deadline)},
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": project.opening_place,
        "hasEnquiries": False,
    }
    period = complaint_period(project)
    if period:
        tender["complaintPeriod"] = period
    if project.method_justification:
        tender["procurementMethodRationale"] = project.method_justification
    return {k: v for k, v in tender.items() if v is not None}


def _planning(project: Project) -> dict:
    line, demand = project.budget_line, project.demand
    parties = Parties()
    _buyer(project, parties)
    planning = {"budget": {"id": line.code, "description": line.name,
                           "amount": money(line.amount), "projectID": line.code,
                           "project": f"{line.year}年 {line.name}"},
                "rationale": demand.title}
    date = project.announced_at
    intention = demand.intention
    if intention is not None:
        planning["documents"] = [{
            "id": f"intention-{intention.pk}", "documentType": "plannedProcurementNotice",
            "title": intention.title, "description": intention.summary,
            "url": absolute(reverse("disclosure:intention-detail", args=[intention.pk])),
            "datePublished": iso(intention.published_at), "format": "text/html",
            "language": "zh"}]
        planning["milestones"] = [{
            "id": f"intention-{intention.pk}", "title": "预计采购时间",
            "type": "procurement", "dueDate": iso(intention.expected_month),
            "status": "scheduled"}]
        date = min(date, intention.published_at)
    return _release(project, stage="planning", event=line.code, date=date,
                    tags=["planning"], parties=parties, planning=planning)


def _tender(project: Project, notice: Announcement | None) -> dict:
    parties = Parties()
    _buyer(project, parties)
    tender = _tender_core(project, parties)
    if notice is not None:
        tender["documents"] = [_notice_doc(notice, "tenderNotice")]
    return _release(project, stage="tender", event=str(notice.pk if notice else 0),
                    date=notice.published_at if notice else project.announced_at,
                    tags=["tender"], parties=parties, tender=tender)


def _amendment(project: Project, notice: Announcement, earlier: list) -> dict:
    parties = Parties()
    _buyer(project, parties)
    amendments = [{"id": f"notice-{n.pk}", "date": iso(n.published_at),
                   "rationale": n.title, "description": n.body[:2000]}
                  for n in [*earlier, notice]]
    deadline = next((n.moves_deadline_to for n in reversed([*earlier, notice])
                     if n.moves_deadline_to), None)
    tender = {"id": project.code, "amendments": amendments,
              "documents": [_notice_doc(notice, "clarifications")]}
    if deadline:
        tender["tenderPeriod"] = {"endDate": iso(deadline)}
    return _release(project, stage="tender-amendment", event=str(notice.pk),
                    date=notice.published_at, tags=["tenderAmendment"], parties=parties,
                    tender=tender)


def _opening(project: Project, lot: Lot) -> dict:
    """A lot's opening: its bids and tenderers, read only from opened bids."""
    parties = Parties()
    _buyer(project, parties)
    opened = list(lot.bids.filter(opened_at__isnull=False)
                  .exclude(status__in=[B.SEALED, B.WITHDRAWN])
                  .select_related("supplier").order_by("round", "pk"))
    details, tenderers = [], []
    for bid in opened:
        ref = parties.add(bid.supplier, "tenderer")
        if ref not in tenderers:
            tenderers.append(ref)
        detail = {"id": f"{lot_id(lot)}-{bid.pk}", "date": iso(bid.sealed_at),
                  "status": BID_STATUS.get(bid.status, "pending"), "tenderers": [ref],
                  "relatedLots": [lot_id(lot)]}
        if bid.price is not None:
            detail["value"] = money(bid.price)
        details.append(detail)
    prices = [b.price for b in opened if b.price is not None]
    at = iso(lot.opened_at)
    statistics = [{"id": f"{lot_id(lot)}-bids", "measure": "bids", "value": len(opened),
                   "date": at, "relatedLot": lot_id(lot)}]
    if prices:
        statistics += [
            {"id": f"{lot_id(lot)}-lowest", "measure": "lowestValidBidValue",
             "value": float(min(prices)), "currency": CURRENCY, "date": at,
             "relatedLot": lot_id(lot)},
            {"id": f"{lot_id(lot)}-highest", "measure": "highestValidBidValue",
             "value": float(max(prices)), "currency": CURRENCY, "date": at,
             "relatedLot": lot_id(lot)}]
    tender = {"id": project.code, "tenderers": tenderers,
              "numberOfTenderers": len(tenderers),
              "lots": [{"id": lot_id(lot), "status": "active"}]}
    return _release(project, stage="opening", event=lot_id(lot), date=lot.opened_at,
                    tags=["tenderUpdate"], parties=parties, tender=tender,
                    bids={"statistics": statistics, "details": details})


def _lot_failure(project: Project, notice: Announcement) -> dict:
    parties = Parties()
    _buyer(project, parties)
    failed = [{"id": lot_id(lot), "status": "unsuccessful"}
              for lot in project.lots.filter(status=L.FAILED)]
    tender = {"id": project.code, "lots": failed,
              "documents": [_notice_doc(notice, "tenderNotice")]}
    if project.status == Project.Status.FAILED:
        tender["status"] = "unsuccessful"
    return _release(project, stage="failure", event=str(notice.pk),
                    date=notice.published_at, tags=["tenderUpdate"], parties=parties,
                    tender=tender)


def _cancellation(project: Project, notice: Announcement) -> dict:
    parties = Parties()
    _buyer(project, parties)
    tender = {"id": project.code, "status": "cancelled",
              "statusDetails": project.cancel_reason or notice.title,
              "lots": [{"id": lot_id(lot), "status": "cancelled"}
                       for lot in project.lots.all()],
              "documents": [_notice_doc(notice, "tenderNotice")]}
    return _release(project, stage="cancellation", event=str(notice.pk),
                    date=notice.published_at, tags=["tenderCancellation"], parties=parties,
                    tender=tender)


def _award_entry(award: Award, parties: Parties, *, revoked: bool) -> dict:
    supplier = parties.add(award.bid.supplier, "supplier", "tenderer")
    entry = {"id": f"{award.lot.number}-{award.pk}", "title": award.lot.title,
             "status": "cancelled" if revoked else "active", "date": iso(award.confirmed_at),
             "value": money(award.amount), "suppliers": [supplier],
             "relatedLots": [lot_id(award.lot)]}
    notice = (award.lot.project.announcements.filter(kind=A.RESULT,
                                                     published_at__gte=award.confirmed_at)
              .order_by("published_at").first())
    if notice is not None:
        entry["documents"] = [_notice_doc(notice, "awardNotice")]
    if revoked:
        entry["statusDetails"] = award.revoked_reason or "中标（成交）结果已撤销"
    return entry


def _award(project: Project, award: Award) -> dict:
    parties = Parties()
    _buyer(project, parties)
    return _release(project, stage="award", event=str(award.pk), date=award.confirmed_at,
                    tags=["award"], parties=parties,
                    awards=[_award_entry(award, parties, revoked=False)],
                    tender={"id": project.code,
                            "lots": [{"id": lot_id(award.lot), "status": "complete"}]})


def _award_revoked(project: Project, award: Award) -> dict:
    parties = Parties()
    _buyer(project, parties)
    return _release(project, stage="award-revoked", event=str(award.pk),
                    date=award.revoked_at, tags=["awardUpdate"], parties=parties,
                    awards=[_award_entry(award, parties, revoked=True)])


def _contract_id(contract: Contract) -> str:
    return contract.number


def _contract_entry(contract: Contract, *, status: str) -> dict:
    entry = {"id": _contract_id(contract),
             "awardID": f"{contract.award.lot.number}-{contract.award_id}",
             "title": contract.title, "status": status,
             "value": money(contract.total_amount), "dateSigned": iso(contract.signed_at),
             "period": {"startDate": iso(contract.signed_at),
                        "endDate": iso(contract.delivery_deadline)}}
    if contract.published_at and contract.public_pdf:
        entry["documents"] = [{
            "id": f"contract-{contract.pk}", "documentType": "contractSigned",
            "title": contract.title,
            "url": absolute(reverse("contracts:public-pdf", args=[contract.pk])),
            "datePublished": iso(contract.published_at), "format": "application/pdf",
            "language": "zh"}]
    return entry


def _contract(project: Project, contract: Contract) -> dict:
    parties = Parties()
    _buyer(project, parties)
    parties.add(contract.supplier, "supplier")
    return _release(project, stage="contract", event=_contract_id(contract),
                    date=contract.published_at or contract.signed_at, tags=["contract"],
                    parties=parties, contracts=[_contract_entry(contract, status="active")])


def _payment(project: Project, contract: Contract, payment, paid: list) -> dict:
    """A payment: every transaction so far and the milestones as they stood."""
    parties = Parties()
    payer = _buyer(project, parties)
    payee = parties.add(contract.supplier, "supplier", "payee")
    parties.add(contract.purchaser, "payer")
    transactions = [{"id": f"payment-{p.pk}", "source": settings.OCDS_BASE_URL,
                     "date": iso(p.paid_on), "value": money(p.amount),
                     "payer": payer, "payee": payee,
                     "uri": absolute(reverse("contracts:detail", args=[contract.pk]))}
                    for p in paid]
    milestones = [{"id": f"milestone-{m.pk}", "title": m.title, "type": "delivery",
                   "dueDate": iso(m.due_date),
                   "status": "met" if m.done_at and m.done_at <= payment.recorded_at
                   else "scheduled",
                   **({"dateMet": iso(m.done_at)}
                      if m.done_at and m.done_at <= payment.recorded_at else {})}
                  for m in contract.milestones.order_by("due_date", "pk")]
    finished = bool(contract.paid_at and payment.recorded_at >= contract.paid_at)
    entry = {"id": _contract_id(contract),
             "awardID": f"{contract.award.lot.number}-{contract.award_id}",
             "status": "terminated" if finished else "active",
             "implementation": {"transactions": transactions,
                                "milestones": milestones}}
    return _release(project, stage="payment", event=str(payment.pk),
                    date=payment.recorded_at, tags=["implementation"], parties=parties,
                    contracts=[entry])


def _challenge(project: Project, challenge) -> dict:
    lots = sorted({lot_id(o.lot) for o in challenge.objections.all() if o.lot_id})
    entry = {"id": challenge.number, "type": "challenge", "status": challenge.status,
             "dateSubmitted": iso(challenge.filed_at),
             "dateAnswered": iso(challenge.answered_at),
             "datePublished": iso(challenge.answer_published_at),
             "decision": DECISION.get(challenge.outcome),
             "decisionDetails": challenge.get_remedy_display() if challenge.remedy else None,
             "url": absolute(reverse("complaints:challenge-answer-public",
                                     args=[challenge.pk]))}
    if lots:
        entry["relatedLots"] = lots
    parties = Parties()
    _buyer(project, parties)
    return _release(project, stage="challenge", event=challenge.number,
                    date=challenge.answer_published_at, tags=["tenderUpdate"],
                    parties=parties, complaints=[{k: v for k, v in entry.items()
                                                  if v is not None}])


def _complaint(project: Project, complaint) -> dict:
    lots = sorted({lot_id(o.lot) for o in complaint.matters.all() if o.lot_id})
    entry = {"id": complaint.number, "type": "complaint", "status": complaint.status,
             "dateSubmitted": iso(complaint.filed_at),
             "dateAnswered": iso(complaint.decided_at),
             "datePublished": iso(complaint.published_at),
             "decision": DECISION.get(complaint.outcome),
             "url": absolute(reverse("complaints:complaint-decision-public",
                                     args=[complaint.pk]))}
    if lots:
        entry["relatedLots"] = lots
    parties = Parties()
    _buyer(project, parties)
    return _release(project, stage="complaint", event=complaint.number,
                    date=complaint.published_at, tags=["tenderUpdate"], parties=parties,
                    complaints=[{k: v for k, v in entry.items() if v is not None}])


# --- a project's releases ----------------------------------------------------------------

def public_projects():
    """The projects the public may know of: announced at some point."""
    return (Project.objects.filter(announced_at__isnull=False)
            .select_related("purchaser", "agency", "budget_line", "demand",
                            "demand__intention"))


def project_releases(project: Project) -> list[dict]:
    """Every release of ``project`` in date order (ties in the order of the stages)."""
    if project.announced_at is None:
        return []
    from complaints.models import Challenge, Complaint

    notices = list(project.announcements.order_by("published_at", "pk"))
    tender_notice = next((n for n in notices if n.kind == A.TENDER), None)
    releases = [_planning(project), _tender(project, tender_notice)]
    clarifications = []
    for notice in notices:
        if notice.kind == A.CLARIFICATION:
            releases.append(_amendment(project, notice, clarifications))
            clarifications.append(notice)
        elif notice.kind == A.FAILURE:
            releases.append(_lot_failure(project, notice))
        elif notice.kind == A.CANCELLATION:
            releases.append(_cancellation(project, notice))
    for lot in project.lots.all():
        if lot.opened_at is not None and lot.status != L.FAILED:
            releases.append(_opening(project, lot))
    awards = (Award.objects.filter(lot__project=project)
              .select_related("lot", "bid__supplier").order_by("confirmed_at", "pk"))
    for award in awards:
        releases.append(_award(project, award))
        if award.revoked_at:
            releases.append(_award_revoked(project, award))
    contracts = (Contract.objects.filter(award__lot__project=project, signed_at__isnull=False)
                 .select_related("award__lot", "supplier", "purchaser").order_by("pk"))
    for contract in contracts:
        releases.append(_contract(project, contract))
        paid = []
        for payment in contract.payments.order_by("recorded_at", "pk"):
            paid.append(payment)
            releases.append(_payment(project, contract, payment, list(paid)))
    challenges = (Challenge.objects.filter(project=project, answer_published_at__isnull=False)
                  .prefetch_related("objections"))
    releases += [_challenge(project, c) for c in challenges]
    complaints = Complaint.objects.filter(challenge__project=project,
                                          status=Complaint.Status.DECIDED,
                                          published_at__isnull=False)
    releases += [_complaint(project, c) for c in complaints.prefetch_related("matters")]
    order = {r["id"]: i for i, r in enumerate(releases)}
    return sorted(releases, key=lambda r: (r["date"] and dt.datetime.fromisoformat(r["date"]),
                                           order[r["id"]]))
