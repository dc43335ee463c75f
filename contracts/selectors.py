"""Reads of contracts, scoped to who is asking (outsiders get 404).

What a contract's page and the contract API show is read here once:
``contract_detail`` (the contract with its steps, clocks, invoices, payments and
what the caller may do now), ``contracts_visible_to`` (the list, through
``filters.ContractFilterSet``) and ``ledger_of`` (the ledger, through
``filters.LedgerFilterSet``, its live figures computed by the query).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import is_supervisor

from .filters import ContractFilterSet, LedgerFilterSet
from .models import Acceptance, Contract, Invoice, LedgerRow, Payment


def contract_filterset(*, organization: Organization | None,
                       filters=None) -> ContractFilterSet:
    """The contracts ``organization`` sees — the purchaser's and the supplier's own, all
    of them for supervision — in the FilterSet that narrows them by ``filters`` (query
    parameters). The list page renders its form; the API checks it."""
    qs = Contract.objects.select_related("purchaser", "supplier", "award__lot__project")
    if organization is None:
        qs = qs.none()
    elif not is_supervisor(organization):
        qs = qs.filter(Q(purchaser=organization) | Q(supplier=organization))
    return ContractFilterSet(filters, qs, organization=organization)


def contracts_visible_to(*, user=None, organization: Organization | None, filters=None):
    """The contracts ``organization`` sees, narrowed by ``filters`` (a value the
    FilterSet refuses is ignored here; the API refuses it first). ``user`` is taken for
    the selectors' common signature: the scope is the organisation's."""
    return contract_filterset(organization=organization, filters=filters).qs


class SubqueryCount(Subquery):
    """The number of rows of a subquery, as one value per outer row."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _overdue_clocks(now: dt.datetime) -> SubqueryCount:
    """The ledger row's clocks past due (the sweep's "overdue", or still open after
    their due time, as ``deadlines.selectors.countdown`` counts them): the signing clock
    on the award and the contract's, its acceptances' and its invoices' clocks."""
    from deadlines.models import Deadline
    from procurement.models import Award

    types = ContentType.objects.get_for_models(Award, Contract, Acceptance, Invoice)
    text = CharField()

    def ids(model):
        return model.objects.filter(contract_id=OuterRef(OuterRef("contract_pk"))).annotate(
            text_id=Cast("pk", text)).values("text_id")

    subjects = (Q(subject_type=types[Award], subject_id=Cast(OuterRef("award_id"), text))
                | Q(subject_type=types[Contract],
                    subject_id=Cast(OuterRef("contract_pk"), text))
                | Q(subject_type=types[Acceptance], subject_id__in=ids(Acceptance))
                | Q(subject_type=types[Invoice], subject_id__in=ids(Invoice)))
    overdue = Q(status=Deadline.Status.OVERDUE) | Q(status=Deadline.Status.OPEN,
                                                    due_at__lt=now)
    return SubqueryCount(Deadline.objects.filter(subjects).filter(overdue).values("pk"))


def ledger_of(*, organization: Organization | None, filters=None, now=None):
    """The ledger's rows ``organization`` sees, narrowed by ``filters``."""
    return ledger_filterset(organization=organization, filters=filters, now=now).qs


def ledger_filterset(*, organization: Organization | None, filters=None,
                     now=None) -> LedgerFilterSet:
    """The purchaser's ledger (台账): one row per awarded lot; every unit's for
    supervision; in the FilterSet that narrows it by ``filters``.

    The row holds the award as it was made; the contract's number, amount, dates and
    status, what is paid (the sum of its payments) and the overdue clocks are read by
    this query, so they are current whatever step — or the clock sweep — moved them."""
    now = now or timezone.now()
    money = DecimalField(max_digits=16, decimal_places=2)
    paid = Payment.objects.filter(contract__award=OuterRef("award_id")).order_by().values(
        "contract").annotate(total=Sum("amount")).values("total")
    contract = "award__contract__"
    qs = LedgerRow.objects.select_related("award", "purchaser").annotate(
        contract_pk=F(contract + "id"),
        contract_number=Coalesce(F(contract + "number"), Value("")),
        contract_amount=F(contract + "total_amount"),
        signed_at=F(contract + "signed_at"), published_at=F(contract + "published_at"),
        filed_at=F(contract + "filed_at"), accepted_at=F(contract + "accepted_at"),
        # A revoked award closes its row: "revoked", whatever became of its contract
        # (void, or never drafted).
        status=Case(When(award__revoked_at__isnull=False, then=Value("revoked")),
                    default=Coalesce(F(contract + "status"), Value("awarded"))),
        paid_total=Coalesce(Subquery(paid, output_field=money), Value(Decimal("0")),
                            output_field=money),
        last_paid_at=Subquery(Payment.objects.filter(contract__award=OuterRef("award_id"))
                              .order_by("-recorded_at").values("recorded_at")[:1]),
    ).annotate(
        overdue_clocks=_overdue_clocks(now),
        # When anything on the row last moved (each date counts once it exists).
        updated_at=Greatest(*[Coalesce(F(name), F("awarded_at")) for name in (
            "awarded_at", contract + "drafted_at", "signed_at", "published_at",
            "filed_at", "accepted_at", "last_paid_at")]),
    )
    if organization is None:
        qs = qs.none()
    elif not is_supervisor(organization):
        qs = qs.filter(purchaser=organization)
    return LedgerFilterSet(filters, qs, organization=organization)


# --- where the purchaser pays ----------------------------------------------------------
# An app above this one may redirect a contract's payments — financing, to the
# collection account agreed with the bank while a loan is live (春风行动 第26条). It
# registers a provider from its AppConfig.ready(); contracts never imports it.
_COLLECTION_ACCOUNTS: list = []


def register_collection_account(provider) -> None:
    """``provider(contract)`` returns the account payments now go to, or None."""
    if provider not in _COLLECTION_ACCOUNTS:
        _COLLECTION_ACCOUNTS.append(provider)


def collection_account(contract: Contract) -> str:
    """Where money goes: the account a registered provider names (the financing bank's
    collection account), otherwise the contract's payee account."""
    for provider in _COLLECTION_ACCOUNTS:
        account = provider(contract)
        if account:
            return account
    return contract.payee_account


def party_of(organization: Organization | None, contract: Contract) -> str:
    """How the acting organisation stands to the contract."""
    if organization is None:
        return ""
    if organization.pk == contract.purchaser_id:
        return "purchaser"
    if organization.pk == contract.supplier_id:
        return "supplier"
    if is_supervisor(organization):
        return "finance"
    return ""


def contract_clocks(contract: Contract, acceptances=None, invoices=None):
    """The statutory clocks of this contract: signing (on the award), publication and
    filing, each acceptance, each invoice's payment."""
    from django.contrib.contenttypes.models import ContentType

    from deadlines.models import Deadline
    from procurement.models import Award

    from .models import Acceptance, Invoice

    acceptances = contract.acceptances.all() if acceptances is None else acceptances
    invoices = contract.invoices.all() if invoices is None else invoices
    types = ContentType.objects.get_for_models(Award, Contract, Acceptance, Invoice)
    subjects = Q(subject_type=types[Award], subject_id=str(contract.award_id)) \
        | Q(subject_type=types[Contract], subject_id=str(contract.pk)) \
        | Q(subject_type=types[Acceptance], subject_id__in=[str(a.pk) for a in acceptances]) \
        | Q(subject_type=types[Invoice], subject_id__in=[str(i.pk) for i in invoices])
    return list(Deadline.objects.filter(subjects).select_related("organization")
                .order_by("started_at", "id"))


def late_interest(invoice: Invoice, *, now=None, clock=None) -> Decimal:
    """Interest owed to an SME for paying this invoice late: for each day past the
    payment clock, what was still unpaid that day × the daily rate (0.05 % unless
    agreed; 保障中小企业款项支付条例 第15条). Payments made late still owe the interest
    of the days they were late. Zero for a supplier that is not an SME.
    ``clock``: the invoice's payment clock, when the caller has read it already."""
    from deadlines.models import Deadline
    from rules.registry import rule

    from .rules import is_sme

    now = now or timezone.now()
    if not is_sme(invoice.contract.supplier):
        return Decimal("0.00")
    if clock is None:
        clock = Deadline.objects.filter(
            clock="payment.after_invoice", subject_id=str(invoice.pk),
            subject_type=ContentType.objects.get_for_model(Invoice)).order_by(
            "-started_at").first()
    if clock is None:
        return Decimal("0.00")
    due = timezone.localdate(clock.due_at)
    rate = Decimal(rule("payment.late_interest").amount) / 100
    unpaid, day, total = invoice.amount, due, Decimal("0")
    for payment in invoice.payments.order_by("paid_on", "id"):
        if payment.paid_on > day:
            total += unpaid * rate * (payment.paid_on - day).days
            day = payment.paid_on
        unpaid -= payment.amount
    today = timezone.localdate(now)
    if unpaid > 0 and today > day:
        total += unpaid * rate * (today - day).days
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- one contract, as its page and the API show it -----------------------------------------

class _ReadsThrough:
    """A row of a read model: what it computed, and its model's own fields read through
    (``row.number`` is ``row.subject.number``), so that one serializer or template reads
    both alike."""

    def __getattr__(self, name):
        if name.startswith("_") or name == "subject":
            raise AttributeError(name)
        return getattr(self.subject, name)


@dataclass
class ClockRow(_ReadsThrough):
    subject: object  # deadlines.Deadline
    countdown: object  # deadlines.selectors.Countdown
    overdue: bool  # past due and not done: met or waived clocks never are

    @property
    def deadline(self):
        return self.subject


@dataclass
class AcceptanceRow(_ReadsThrough):
    subject: Acceptance
    actions: list[str]

    @property
    def acceptance(self):
        return self.subject


@dataclass
class InvoiceRow(_ReadsThrough):
    subject: Invoice
    clock: object  # its payment clock, or None
    countdown: object
    late_interest: Decimal
    actions: list[str]

    @property
    def invoice(self):
        return self.subject


@dataclass
class Allowed:
    """What the caller's organisation may do on the contract now: the status steps come
    from ``steps.CONTRACT``; who takes them (the party, its roles) is the services' to
    check again."""

    sign: bool = False
    redraft: bool = False
    suspend: bool = False
    resume: bool = False
    publish: bool = False
    file: bool = False
    mark_milestones: bool = False
    request_acceptance: bool = False
    record_acceptance: bool = False
    invoice: bool = False
    pay: bool = False
    supplement: bool = False
    confirm_supplements: bool = False


@dataclass
class ContractDetail(_ReadsThrough):
    """The contract with its steps, clocks, invoices and payments, and what the caller
    may do: read once, for the page and for the API."""

    subject: Contract
    party: str
    actions: list[str]
    allowed: Allowed
    signatures: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    acceptances: list[AcceptanceRow] = field(default_factory=list)
    pending: AcceptanceRow | None = None
    invoices: list[InvoiceRow] = field(default_factory=list)
    payments: list = field(default_factory=list)
    supplements: list = field(default_factory=list)
    clocks: list[ClockRow] = field(default_factory=list)
    collection_account: str = ""
    supplier_is_sme: bool = False

    @property
    def contract(self) -> Contract:
        return self.subject

    @property
    def financed(self) -> bool:
        """Payments go to a financing bank's collection account."""
        return self.collection_account != self.subject.payee_account


def _allowed(contract: Contract, party: str, actions: list[str], *, signed_parties,
             has_signatures: bool, pending) -> Allowed:
    from .steps import CONTRACT, SIGNING_STEPS

    unsigned = any(CONTRACT.can(contract, step) for step in SIGNING_STEPS)
    in_force = "pay" in actions  # signed by both, not yet paid in full
    purchaser, supplier = party == "purchaser", party == "supplier"
    return Allowed(
        sign=party in ("purchaser", "supplier") and party not in signed_parties
        and any(step in actions for step in SIGNING_STEPS),
        redraft=purchaser and "sign" in actions and not has_signatures,
        suspend=party in ("purchaser", "finance") and unsigned
        and not contract.suspended_reason,
        resume=party in ("purchaser", "finance") and bool(contract.suspended_reason),
        publish=purchaser and contract.signed_at is not None and not contract.published_at,
        file=purchaser and contract.signed_at is not None and not contract.filed_at,
        mark_milestones=supplier and contract.signed_at is not None,
        request_acceptance=supplier and "request_acceptance" in actions,
        record_acceptance=purchaser and pending is not None and bool(pending.actions),
        invoice=supplier and in_force,
        pay=purchaser and in_force,
        supplement=purchaser and in_force,
        confirm_supplements=supplier,
    )


def contract_detail(contract: Contract, *, organization: Organization | None,
                    now=None) -> ContractDetail:
    """Everything the contract's page and the API's contract show, for ``organization``
    (a party, or supervision): read in a fixed number of queries."""
    from deadlines.selectors import countdown

    from .rules import is_sme
    from .steps import ACCEPTANCE, INVOICE, contract_actions

    now = now or timezone.now()
    party = party_of(organization, contract)
    signatures = list(contract.signatures.select_related("user", "organization"))
    acceptances = [AcceptanceRow(a, ACCEPTANCE.actions(a)) for a in
                   contract.acceptances.select_related("requested_by", "recorded_by")]
    invoices = list(contract.invoices.select_related("submitted_by", "contract__supplier"))
    clocks = contract_clocks(contract, [a.subject for a in acceptances], invoices)
    pay_clocks = {d.subject_id: d for d in clocks if d.clock == "payment.after_invoice"}
    invoice_rows = []
    for invoice in invoices:
        clock = pay_clocks.get(str(invoice.pk))
        invoice_rows.append(InvoiceRow(
            invoice, clock, countdown(clock, now) if clock else None,
            late_interest(invoice, now=now, clock=clock) if clock else Decimal("0.00"),
            INVOICE.actions(invoice)))
    clock_rows = []
    for deadline in clocks:
        cd = countdown(deadline, now)
        clock_rows.append(ClockRow(deadline, cd, cd.overdue and deadline.status not in (
            "met", "waived")))
    pending = next((a for a in acceptances if a.result == Acceptance.Result.PENDING), None)
    actions = contract_actions(contract)
    return ContractDetail(
        contract, party=party, actions=actions,
        allowed=_allowed(contract, party, actions, signed_parties={s.party for s in signatures},
                         has_signatures=bool(signatures), pending=pending),
        signatures=signatures, milestones=list(contract.milestones.all()),
        acceptances=acceptances, pending=pending, invoices=invoice_rows,
        payments=list(contract.payments.select_related("invoice", "recorded_by")),
        supplements=list(contract.supplements.select_related("created_by", "confirmed_by")),
        clocks=clock_rows, collection_account=collection_account(contract),
        supplier_is_sme=is_sme(contract.supplier))
