"""Zero-cost online bidding: documents obtained free, bids sealed until opening.

No fee, bond or charge exists anywhere in this path (春风行动 第19条).
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import require_role
from audit.services import audit_record
from core.bulk import known_related
from core.eligibility import barred_condition, check_supplier
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.money import words_to_yuan
from core.rawread import Columns
from core.refusals import records_refusals
from core.transitions import transition
from rules.registry import rule

from .. import sealing, steps, uploads
from ..methods import policy
from ..models import Bid, BidFile, Demand, DocumentDownload, Invitation, Lot, Project

LATE_BASIS = "87号令 第33条"
SUPPLIER_ROLES = (Membership.Role.ADMIN, Membership.Role.OFFICER)
SME_SCALES = {"medium", "small", "micro"}
SCALES = {"large", *SME_SCALES}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _bidding_open(project: Project, now) -> None:
    if project.status != Project.Status.ANNOUNCED:
        raise InvalidTransition(_("This project is not open for bidding."))
    if now >= project.bid_deadline:
        raise RuleViolation(
            _("The bid deadline (%(deadline)s) has passed by the server clock; late bids are "
              "refused."), params={"deadline": timezone.localtime(project.bid_deadline)
                                   .strftime("%Y-%m-%d %H:%M:%S")},
            code="late", basis=LATE_BASIS)


def check_invited(project: Project, supplier: Organization) -> None:
    """A restricted method (``methods.policy``) admits only the suppliers it invited:
    invitational tendering those drawn (法 第34条; 87号令 第14条), single source the one
    named (法 第31条)."""
    if not policy(project.method).restricted:
        return
    if not Invitation.objects.filter(project=project, supplier=supplier).exists():
        raise RuleViolation(
            _("This procurement is by invitation: only the suppliers it invited may obtain "
              "the documents and respond."), code="not_invited",
            basis="法 第31、34条; 87号令 第14条")


def _lock_supplier_on_lot(*, lot_id: int, supplier_id: int) -> None:
    """Serialise one supplier's bids on one lot, taken first in every bid transaction.

    Without it a double-click or a client's retry raced itself: both requests passed the
    idempotency check, the second withdrew the first as "resubmitted" and then failed on
    the one-sealed-bid constraint, leaving no sealed bid at all. Under this lock the
    second request sees the first one's bid once it has committed. It is held until
    commit and never taken after the lot's lock, so it cannot deadlock with opening.
    Other suppliers are not held up: the key names only this pair.
    """
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers already (IMMEDIATE transactions).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_supplier_lot_key(lot_id, supplier_id)])


def _supplier_lot_key(lot_id: int, supplier_id: int) -> int:
    digest = hashlib.blake2b(f"bid:{lot_id}:{supplier_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _replayed(bid: Bid, lot: Lot) -> Bid:
    """The answer to a request already served: the same bid and receipt, unchanged."""
    if bid.lot_id != lot.pk:
        raise DomainError(_("This submission key was already used for a bid on another lot; "
                            "reload the bid form and submit again."),
                          code="idempotency_key_reused")
    bid.replayed = True
    return bid


def _own_bids_wanted(*, lot_id: int, idempotency_key: str) -> Q:
    """The supplier's bids a new bid must know of: its sealed bids on the lot (withdrawn
    when the new one is sealed) and any bid under this idempotency key (a replay)."""
    wanted = Q(lot_id=lot_id, status=Bid.Status.SEALED)
    if idempotency_key:
        wanted |= Q(idempotency_key=idempotency_key)
    return wanted


def _own_bids(*, lot: Lot, supplier: Organization,
              idempotency_key: str) -> tuple[Bid | None, list[Bid]]:
    """The supplier's bid under this idempotency key (on any lot), and its sealed bids on
    this lot — one read for both, under the supplier's lock on the lot and the lot's own:
    nothing else changes them until commit (the same supplier waits on the first lock,
    opening on the second). No read at all when the lot's read found none (``has_own_bids``,
    ``_lot_for_bidding``): a supplier's first bid, the rush's usual case."""
    if not getattr(lot, "has_own_bids", True):
        return None, []
    # order_by(): Bid's default ordering would join the lot and the project to sort a
    # handful of rows whose order nothing here depends on.
    bids = list(Bid.objects.filter(_own_bids_wanted(lot_id=lot.pk,
                                                    idempotency_key=idempotency_key),
                                   supplier=supplier).order_by())
    for bid in bids:  # what the withdrawal's audit event and a receipt name, not read again
        bid.supplier = supplier
        if bid.lot_id == lot.pk:
            bid.lot = lot
    replay = next((b for b in bids if idempotency_key and b.idempotency_key == idempotency_key),
                  None)
    return replay, [b for b in bids if b.lot_id == lot.pk and b.status == Bid.Status.SEALED]


@functools.cache
def _lot_columns() -> tuple[Columns, Columns, Columns]:
    return Columns(Lot, "l"), Columns(Project, "p"), Columns(Demand, "d")


@functools.cache
def _lot_probes(with_key: bool, barred: str | None) -> tuple[str, ...]:
    """``_lot_for_bidding``'s probes; their parameters: the supplier (the documents), the
    supplier and the sealed status (its bids), the key when there is one, the bar's."""
    own = "b.lot_id = l.id AND b.status = %s"
    if with_key:
        own = f"({own}) OR b.idempotency_key = %s"
    probes = ["EXISTS (SELECT 1 FROM procurement_documentdownload dd "
              "WHERE dd.project_id = l.project_id AND dd.supplier_id = %s)",
              f"EXISTS (SELECT 1 FROM procurement_bid b "  # noqa: S608 — no value in the text
              f"WHERE b.supplier_id = %s AND ({own}))"]
    if barred is not None:
        probes.append(f"({barred})")
    return tuple(probes)


@functools.cache
def _lot_read(probes: tuple[str, ...]) -> str:
    """The statement of ``_lot_for_bidding``'s read: only the models' column names and
    the probes' text go into it, every value is a parameter."""
    lots, projects, demands = _lot_columns()
    return (f"SELECT {lots.select()}, {projects.select()}, {demands.select()}"  # noqa: S608
            f"{''.join(f', {probe}' for probe in probes)} "
            "FROM procurement_lot l JOIN procurement_project p ON p.id = l.project_id "
            "JOIN procurement_demand d ON d.id = p.demand_id WHERE l.id = %s")


def _lot_for_bidding(lot: Lot, *, supplier: Organization | None = None, now=None,
                     idempotency_key: str = "") -> Lot:
    """The lot under a shared lock: any number of bidders seal at once, while opening
    (which locks the lot exclusively) waits for every bid already in flight — so no
    bid received before the deadline is lost, and none slips in after opening.

    The lock is ``FOR KEY SHARE``, the one the bid's foreign key to the lot takes anyway:
    ``FOR SHARE`` added a second lock per bid on the same hot row, and on a row shared by
    many transactions every lock is a multixact to write — the bid rush sealed 68 bids a
    second with it and 95 without (make bench, 2 cores). ``FOR KEY SHARE`` conflicts with
    ``FOR UPDATE``, which every service that ends bidding on a lot takes first (opening,
    failure, cancellation): a plain UPDATE of the lot would not wait for the bidders.

    The lot, its project and demand are read after the lock, in a statement of their own
    (a new snapshot in READ COMMITTED), whatever the caller read before: their status
    and the deadline are what the lock protects. The lot's items are taken from the
    caller's ``prefetch_related("items")`` when it read them: they are fixed when the
    project is created (``project_create``), so a copy read before the lock is the same;
    otherwise the SME declaration reads them, once, if it needs them.

    With ``supplier``, the statement that takes the lot's lock takes the supplier's lock
    on the lot first (``_lock_supplier_on_lot``), one round trip for both: the advisory
    lock is in the select list, so it is taken as the row is read, before the row lock
    above it in the plan — the same order as two statements. And the read after it says,
    each as an indexed probe inside the one statement:

    - ``documents_obtained``: whether the supplier has obtained the documents (the bid
      records the download only when it has not);
    - ``has_own_bids``: whether it has a sealed bid on the lot or one under this
      idempotency key (``_own_bids`` reads them only then);
    - ``supplier_barred``: whether a check of ``core.eligibility`` would refuse it
      (absent when a check gives no rows: the caller checks).

    The read is written in SQL (``core.rawread``: the columns from the models' metadata,
    the rows converted as the ORM converts them): the bid rush was bounded by what a
    bid costs the server, and building and compiling this one queryset with its probes
    was 40 % of it (make bench). A supplier's first bid costs two statements before its
    inserts: the locks, and this read."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if supplier is None:
                cursor.execute("SELECT id FROM procurement_lot WHERE id = %s FOR KEY SHARE",
                               [lot.pk])
            else:
                cursor.execute("SELECT id, pg_advisory_xact_lock(%s) FROM procurement_lot "
                               "WHERE id = %s FOR KEY SHARE",
                               [_supplier_lot_key(lot.pk, supplier.pk), lot.pk])
    # SQLite serialises writers already (IMMEDIATE transactions).
    lots, projects, demands = _lot_columns()
    probes, params = (), []
    if supplier is not None:
        params += [supplier.pk, supplier.pk, Bid.Status.SEALED]
        if idempotency_key:
            params.append(idempotency_key)
        barred = barred_condition(supplier=supplier, now=now or timezone.now())
        if barred is not None:
            params += barred[1]
        probes = _lot_probes(bool(idempotency_key), barred[0] if barred else None)
    sql = _lot_read(probes)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, lot.pk])
        row = cursor.fetchone()
    if row is None:
        raise Lot.DoesNotExist("Lot matching query does not exist.")
    a, b, c = len(lots), len(lots) + len(projects), len(lots) + len(projects) + len(demands)
    fresh, project, demand = lots.instance(row[:a]), projects.instance(row[a:b]), \
        demands.instance(row[b:c])
    Project.demand.field.set_cached_value(project, demand)
    Lot.project.field.set_cached_value(fresh, project)
    if supplier is not None:
        fresh.documents_obtained, fresh.has_own_bids = bool(row[c]), bool(row[c + 1])
        if len(row) > c + 2:
            fresh.supplier_barred = bool(row[c + 2])
    items = getattr(lot, "_prefetched_objects_cache", {}).get("items")
    if items is not None:
        fresh._prefetched_objects_cache = {"items": items}
    return fresh


@records_refusals()
@transaction.atomic
def documents_obtain(*, project: Project, supplier: Organization, user, now=None,
                     ip=None) -> DocumentDownload:
    """Free of charge; recorded so clarifications reach everyone who has them."""
    now = now or timezone.now()
    project = Project.objects.get(pk=project.pk)  # the status as it is now, not as passed in
    if supplier.kind != Organization.Kind.SUPPLIER:
        raise PermissionDenied(_("Only suppliers obtain procurement documents."))
    require_role(user, supplier, *SUPPLIER_ROLES)
    check_supplier(supplier=supplier, now=now)  # not barred (core.eligibility)
    _documents_available(project)
    check_invited(project, supplier)
    return _documents_record(project=project, supplier=supplier, user=user, now=now, ip=ip)


def _documents_available(project: Project) -> None:
    if project.status != Project.Status.ANNOUNCED or not project.documents_from:
        raise InvalidTransition(_("The documents of this project are not available."))


def _documents_record(*, project: Project, supplier: Organization, user, now,
                      ip) -> DocumentDownload:
    """``documents_obtain`` after its checks of the person: for ``documents_obtain`` and for
    ``bid_submit``, which has checked the supplier's kind, the role and the invitation
    itself, and read the project in its own transaction (under the lot's lock) — so none
    of them is done twice in one bid."""
    _documents_available(project)
    if not project.documents_from <= now <= max(project.documents_until, project.bid_deadline):
        raise DomainError(_("The documents are available from %(start)s to %(end)s."),
                          params={"start": timezone.localtime(project.documents_from)
                                  .strftime("%Y-%m-%d %H:%M"),
                                  "end": timezone.localtime(project.documents_until)
                                  .strftime("%Y-%m-%d %H:%M")}, code="documents_closed")
    download, created = DocumentDownload.objects.get_or_create(
        project=project, supplier=supplier, defaults={"user": user, "at": now})
    if created:
        audit_record(action="documents.obtain", actor=user, organization=supplier,
                     obj=project, ip=ip, now=now)
    return download


def _sme_items(lot: Lot, sme_items: list[dict]) -> list[dict]:
    """The 中小企业声明函's rows: each item of the lot once, with its maker (制造商,
    承建方 or 承接方) and the maker's scale, as 财库〔2020〕46号's form lists them."""
    items = {item.pk: item for item in lot.items.all()}
    rows, seen = [], set()
    for n, row in enumerate(sme_items, start=1):
        key = row.get("item")
        pk = int(key) if str(key).isdigit() else None
        maker = str(row.get("maker") or "").strip()
        scale = row.get("maker_scale", "")
        if pk not in items or pk in seen:
            raise DomainError(_("SME declaration, row %(n)s: name an item of this lot, each "
                                "once."), params={"n": n}, code="sme_items", field="sme_items")
        if not maker or scale not in SCALES:
            raise DomainError(_("SME declaration, row %(n)s: give the maker of the item and "
                                "the maker's scale."), params={"n": n}, code="sme_items",
                              field="sme_items")
        seen.add(pk)
        rows.append({"item": pk, "name": items[pk].name, "maker": maker[:200],
                     "maker_scale": scale})
    missing = [item.name for pk, item in items.items() if pk not in seen]
    if missing:
        raise DomainError(_("The SME declaration lists every item of the lot; missing: "
                            "%(items)s."), params={"items": "、".join(missing)},
                          code="sme_items", field="sme_items")
    return rows


def _declaration(sme_scale: str, sme_items_by_smes: bool, items: list[dict]) -> dict:
    """The structured 中小企业声明函: the declaration alone proves SME status
    (财库〔2020〕46号 第11条). With the items listed, whether all are SME-made follows from
    them; older clients send only the yes/no."""
    declaration = {"scale": sme_scale, "all_items_by_smes": bool(sme_items_by_smes)}
    if items:
        declaration["items"] = items
        declaration["all_items_by_smes"] = all(i["maker_scale"] in SME_SCALES for i in items)
    return declaration


MAX_CONSORTIUM = 5


def _bid_extras(*, price_words: str, lines: list[dict], consortium: list[dict], lot: Lot,
                sme_scale: str, consortium_control: bool = False) -> dict:
    """Check the optional parts of a bid; what is sealed is plain JSON (strings)."""
    extra = {}
    price_words = (price_words or "").strip()
    if price_words:
        if words_to_yuan(price_words) is None:
            raise DomainError(_("Write the amount in words as 人民币大写, e.g. 壹拾万元整."),
                              code="price_words", field="price_words")
        extra["price_words"] = price_words[:100]
    if lines:
        rows = []
        for i, line in enumerate(lines, start=1):
            try:
                quantity = Decimal(str(line["quantity"]))
                unit_price = Decimal(str(line["unit_price"])).quantize(Decimal("0.01"))
            except (KeyError, InvalidOperation, ValueError, TypeError):
                raise DomainError(_("Itemised price %(n)s: enter the quantity and the unit "
                                    "price as numbers."), params={"n": i},
                                  field="lines") from None
            if quantity <= 0 or unit_price < 0:
                raise DomainError(_("Itemised price %(n)s: the quantity must be more than zero "
                                    "and the unit price not negative."), params={"n": i},
                                  field="lines")
            rows.append({"item": str(line.get("item", ""))[:200], "quantity": str(quantity),
                         "unit_price": str(unit_price)})
        extra["lines"] = rows
    if consortium:
        if len(consortium) > MAX_CONSORTIUM:
            raise DomainError(_("A consortium has at most %(n)s other members."),
                              params={"n": MAX_CONSORTIUM}, field="consortium")
        members, shares = [], Decimal("0")
        for member in consortium:
            name = str(member.get("name", "")).strip()
            scale = member.get("scale", "")
            try:
                share = Decimal(str(member.get("share", ""))).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                share = Decimal("-1")
            if not name or scale not in {"large", *SME_SCALES} or not 0 < share < 100:
                raise DomainError(_("Give each consortium member its name, scale and share of "
                                    "the contract (more than 0 and less than 100 %)."),
                                  field="consortium")
            shares += share
            members.append({"name": name[:200], "scale": scale, "share": str(share)})
        if shares >= 100:
            raise DomainError(_("The other members' shares must leave a share for the lead "
                              "bidder (together less than 100 %)."), field="consortium")
        if lot.sme_reservation == Lot.Reservation.WHOLE and any(
                m["scale"] not in SME_SCALES for m in members):
            raise RuleViolation(
                _("This lot is reserved for small and medium-sized enterprises: every "
                  "consortium member must be one."), code="sme_reserved",
                basis=rule("sme.made_by_sme").basis, field="consortium")
        # A small/micro member controlled by or managing another: no consortium deduction
        # (财库〔2020〕46号 第9条), declared by the bidder.
        extra["consortium"] = {"lead_scale": sme_scale, "lead_share": str(100 - shares),
                               "members": members}
        if consortium_control:
            extra["consortium"]["control"] = True
    return extra


@records_refusals("bid.refused")
@transaction.atomic
def bid_submit(
    *,
    lot: Lot,
    supplier: Organization,
    user,
    price,
    brand: str = "",
    model: str = "",
    sme_scale: str,
    sme_items_by_smes: bool = False,
    sme_items: list[dict] | None = None,
    consortium_control: bool = False,
    contact_name: str,
    contact_phone: str,
    files: list[Upload],
    ip: str | None = None,
    device_id: str = "",
    idempotency_key: str = "",
    price_words: str = "",
    lines: list[dict] | None = None,
    consortium: list[dict] | None = None,
    now=None,
) -> Bid:
    """Seal one bid.

    1. the server clock decides "late" (87号令 第33条) — checked again under lock;
    2. the price is positive and within the ceiling; a reserved lot takes SMEs;
    3. files are checked by content and size;
    4. the price, declarations and files are encrypted with the lot's key;
       the receipt is the server time and the SHA-256 of what was sealed;
    5. an earlier sealed bid of the same supplier for the lot is withdrawn.
    The amount in words, the itemised prices and the consortium members are sealed
    with the price: the committee corrects inconsistent prices (87号令 第59条) and
    gives a consortium with small/micro members its deduction. The SME declaration
    (中小企业声明函) lists each item of the lot with its maker and the maker's scale
    (``sme_items``); ``sme_items_by_smes`` alone is what older clients send.
    Everything happens in one transaction under the supplier's lock on the lot: the
    earlier bid is withdrawn only if the new one is sealed. A repeated idempotency key
    (a double-click, a client's retry) returns the first bid and its receipt unchanged,
    marked ``replayed``.
    """
    now = now or timezone.now()
    if supplier.kind != Organization.Kind.SUPPLIER:
        raise PermissionDenied(_("Only suppliers submit bids."))
    require_role(user, supplier, *SUPPLIER_ROLES)
    idempotency_key = idempotency_key[:100]
    # The supplier's lock on the lot, the lot's lock, then the lot as it is now, with
    # whether the supplier is barred, has obtained the documents and has bids here.
    lot = _lot_for_bidding(lot, supplier=supplier, now=now, idempotency_key=idempotency_key)
    project = lot.project
    # Not barred from government procurement (core.eligibility: the checks registered
    # from above, e.g. a debarment), before anything is written; the reason and the
    # basis come from the check itself.
    if getattr(lot, "supplier_barred", True):
        check_supplier(supplier=supplier, now=now)
    replay, previous = _own_bids(lot=lot, supplier=supplier, idempotency_key=idempotency_key)
    if replay:
        return _replayed(replay, lot)  # before the clock: a retry after the deadline too
    _bidding_open(project, now)
    check_invited(project, supplier)
    if lot.status != Lot.Status.BIDDING or lot.wrapped_key is None:
        raise InvalidTransition(_("This lot is not open for bidding."))
    try:
        price = Decimal(str(price)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter the price as an amount in yuan."), field="price") from None
    if price <= 0:
        raise DomainError(_("The price must be more than zero."), field="price")
    if lot.ceiling_price is not None and price > lot.ceiling_price:
        raise RuleViolation(
            _("The price exceeds the lot's ceiling price of %(ceiling)s yuan; such a bid is "
              "invalid."), params={"ceiling": f"{lot.ceiling_price:,.2f}"},
            code="over_ceiling", basis="87号令 第63条", field="price")
    if sme_scale not in SCALES:
        raise DomainError(_("Declare the enterprise scale."), field="sme_scale")
    declaration = _declaration(sme_scale, sme_items_by_smes,
                               _sme_items(lot, sme_items) if sme_items else [])
    # Goods count as SME goods only when every item is SME-made (46号 第4条); a works or
    # services bidder provides them itself, so its own scale decides.
    goods = project.demand.category == "goods"
    if lot.sme_reservation == Lot.Reservation.WHOLE and (
            sme_scale not in SME_SCALES or (goods and not declaration["all_items_by_smes"])):
        raise RuleViolation(
            _("This lot is reserved for small and medium-sized enterprises: the bidder and the "
              "makers of every item must be SMEs."), code="sme_reserved",
            basis=f"{rule('sme.reserve_all_max_goods').basis}; {rule('sme.made_by_sme').basis}",
            field="sme_scale")
    extra = _bid_extras(price_words=price_words, lines=lines or [],
                        consortium=consortium or [], lot=lot, sme_scale=sme_scale,
                        consortium_control=consortium_control)
    if not files:
        raise DomainError(_("Attach the bid documents."), field="files")
    kinds = [uploads.check(f.name, f.data) for f in files]
    # The supplier's kind, the role and the invitation are checked above, and the project
    # read under the lot's lock: documents_obtain's record without its checks again —
    # and only when the lot's read found none (most bidders obtained them earlier).
    if not lot.documents_obtained:
        _documents_record(project=project, supplier=supplier, user=user, now=now, ip=ip)

    payload = {"price": str(price), "brand": brand.strip(), "model": model.strip(),
               "sme_declaration": declaration, **extra}
    file_hashes = [sealing.digest(f.data) for f in files]
    bundle = json.dumps({"payload": payload, "files": file_hashes}, sort_keys=True,
                        ensure_ascii=False).encode()

    for old in previous:
        _withdraw(old, user=user, now=now, ip=ip, reason="resubmitted")
    bid = Bid(lot=lot, supplier=supplier, submitted_by=user, sealed_at=now,
              receipt_sha256=sealing.digest(bundle), contact_name=contact_name.strip(),
              contact_phone=contact_phone.strip(), ip=ip, device_id=device_id[:100],
              idempotency_key=idempotency_key, sealed_payload=b"")
    bid.sealed_payload = sealing.seal(lot.wrapped_key, json.dumps(payload).encode(), bid.aad)
    try:
        # No savepoint of its own: a failed INSERT ends the bid, and the refusal leaves
        # bid_submit's atomic block, which rolls back (to its savepoint when nested).
        bid.save(force_insert=True)
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same key on another lot, submitted at this very moment (the lock covers
        # one lot): refuse, and the transaction takes back the withdrawal above.
        raise DomainError(_("This submission key was already used for another bid; reload "
                            "the bid form and submit again."),
                          code="idempotency_key_reused") from None
    stored, records = [], []
    try:
        for upload, kind, sha in zip(files, kinds, file_hashes, strict=True):
            sealed = sealing.seal(lot.wrapped_key, upload.data, bid.aad + sha.encode())
            record = BidFile(bid=bid, name=upload.name[:200], kind=kind,
                             size=len(upload.data), sha256=sha)
            record.blob.save("sealed.bin", ContentFile(sealed), save=False)
            stored.append(record.blob)
            record.save()
            records.append(record)
        # The audit trail records that a bid was sealed and its receipt — never the price.
        audit_record(action="bid.seal", actor=user, organization=supplier, obj=bid,
                     detail={"lot": lot.pk, "receipt": bid.receipt_sha256,
                             "files": len(files)}, ip=ip, now=now)
    except BaseException:
        # The rows roll back with the transaction; the files on disk would not.
        for blob in stored:
            blob.storage.delete(blob.name)
        raise
    _known_files(bid, records)
    return bid


def _known_files(bid: Bid, records: list[BidFile]) -> None:
    """``bid.files.all()`` answers with the rows just written, as a
    ``prefetch_related("files")`` would have read them: the receipt lists them without
    reading them back."""
    known_related(bid, "files", records)


def _withdraw(bid: Bid, *, user, now, ip, reason: str) -> None:
    bid.withdrawn_at = now
    transition(bid, Bid.Status.WITHDRAWN, table=steps.BID, actor=user, now=now, reason=reason,
               update_fields=["withdrawn_at"])
    audit_record(action="bid.withdraw", actor=user, organization=bid.supplier, obj=bid,
                 detail={"receipt": bid.receipt_sha256, "reason": reason}, ip=ip, now=now)


@records_refusals()
@transaction.atomic
def bid_withdraw(*, bid: Bid, user, now=None, ip=None) -> Bid:
    """Withdraw a sealed bid before the deadline (the server clock decides)."""
    now = now or timezone.now()
    require_role(user, bid.supplier, *SUPPLIER_ROLES)
    _lock_supplier_on_lot(lot_id=bid.lot_id, supplier_id=bid.supplier_id)
    bid = Bid.objects.select_for_update().select_related("lot__project").get(pk=bid.pk)
    if bid.status != Bid.Status.SEALED:
        raise InvalidTransition(_("Only a sealed bid can be withdrawn."))
    _bidding_open(bid.lot.project, now)
    _withdraw(bid, user=user, now=now, ip=ip, reason="withdrawn")
    return bid
