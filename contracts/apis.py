"""The contracts API: every step of the contract pages, through the same services.

Every lookup is scoped with ``contracts_visible_to``: outsiders get 404. Refusals come
back as ``{"code", "detail", "basis"?, "field"?}`` (core.apis.exception_handler)."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_request
from core.apis import StrictDecimalField, money_field, paginated, planned_date_field
from core.exceptions import DomainError
from core.http import client_ip
from deadlines.selectors import countdown
from procurement.models import Award

from . import services
from .models import Acceptance, Contract
from .rules import CHARGE_KINDS, is_sme, validate_performance_date
from .selectors import contract_clocks, contracts_visible_to, ledger_of

POSITIVE = Decimal("0.01")


def _contract(request, pk) -> Contract:
    return get_object_or_404(contracts_visible_to(organization=request.organization), pk=pk)


# --- reading ------------------------------------------------------------------------------

class ContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    award = serializers.IntegerField(source="award_id")
    purchaser = serializers.CharField(source="purchaser.name")
    supplier = serializers.CharField(source="supplier.name")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    suspended_reason = serializers.CharField()
    drafted_at = serializers.DateTimeField()
    signed_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    filed_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)


class ContractSignatureSerializer(serializers.Serializer):
    party = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    user = serializers.CharField(source="user.display_name")
    pdf_sha256 = serializers.CharField()
    signed_at = serializers.DateTimeField()


class ContractMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    due_date = planned_date_field()
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class ContractAcceptanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requested_at = serializers.DateTimeField()
    request_note = serializers.CharField()
    result = serializers.CharField()
    accepted_on = serializers.DateTimeField(allow_null=True)
    items_checked = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField())
    service_users_invited = serializers.BooleanField()
    report = serializers.CharField()


class ContractInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    issued_on = serializers.DateField()
    received_at = serializers.DateTimeField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    late_interest = serializers.SerializerMethodField(
        help_text="Owed to an SME for paying late (保障中小企业款项支付条例 第15条)")

    def get_late_interest(self, obj) -> str:
        return str(services.late_interest(obj))


class ContractPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    invoice = serializers.CharField(source="invoice.number", allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_on = serializers.DateField()
    voucher = serializers.CharField()
    payee_account = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class ContractSupplementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class ContractClockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clock = serializers.CharField()
    subject = serializers.CharField(source="subject_repr")
    organization = serializers.CharField(source="organization.name")
    basis = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    met_at = serializers.DateTimeField(allow_null=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, obj) -> bool:
        return countdown(obj).overdue and obj.status not in ("met", "waived")


class ContractDetailSerializer(ContractSerializer):
    items = serializers.JSONField()
    delivery_place = serializers.CharField()
    delivery_deadline = serializers.DateField()
    delivery_terms = serializers.CharField()
    payment_term = serializers.IntegerField()
    payment_term_unit = serializers.CharField()
    acceptance_term = serializers.IntegerField()
    advance_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    advance_amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    charges = serializers.JSONField()
    special_terms = serializers.CharField()
    secret_fields = serializers.ListField(child=serializers.CharField())
    payee_name = serializers.CharField()
    payee_bank = serializers.CharField()
    payee_account = serializers.CharField()
    pdf_sha256 = serializers.CharField(help_text="Send it back to sign this version")
    supplier_is_sme = serializers.SerializerMethodField()
    collection_account = serializers.SerializerMethodField(
        help_text="Where payments go: the financing bank's collection account, if any")
    signatures = ContractSignatureSerializer(many=True)
    milestones = ContractMilestoneSerializer(many=True)
    acceptances = ContractAcceptanceSerializer(many=True)
    invoices = ContractInvoiceSerializer(many=True)
    payments = ContractPaymentSerializer(many=True)
    supplements = ContractSupplementSerializer(many=True)
    clocks = serializers.SerializerMethodField()

    def get_supplier_is_sme(self, obj) -> bool:
        return is_sme(obj.supplier)

    def get_collection_account(self, obj) -> str:
        return services.collection_account(obj)

    @extend_schema_field(ContractClockSerializer(many=True))
    def get_clocks(self, obj):
        return ContractClockSerializer(contract_clocks(obj), many=True).data


class ContractLedgerRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.IntegerField(source="award_id")
    contract = serializers.SerializerMethodField()
    purchaser = serializers.CharField(source="purchaser.name")
    project_code = serializers.CharField()
    project_title = serializers.CharField()
    lot_number = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    supplier_name = serializers.CharField()
    award_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    awarded_at = serializers.DateTimeField()
    contract_number = serializers.CharField()
    contract_amount = serializers.DecimalField(max_digits=16, decimal_places=2,
                                               allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    filed_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    status = serializers.CharField()
    overdue_clocks = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    def get_contract(self, obj) -> int | None:
        contract = getattr(obj.award, "contract", None)
        return contract.pk if contract else None


class ContractListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        # An unknown status is refused, as documented, rather than ignored.
        status = serializers.ChoiceField(choices=Contract.Status.choices, required=False,
                                         allow_blank=True)

    @extend_schema(responses=ContractSerializer(many=True), parameters=[FilterSerializer],
                   summary="Contracts: the caller's as purchaser or supplier, all for finance")
    def get(self, request):
        f = self.FilterSerializer(data=request.query_params)
        f.is_valid(raise_exception=True)
        qs = contracts_visible_to(organization=request.organization)
        if f.validated_data.get("status"):
            qs = qs.filter(status=f.validated_data["status"])
        return paginated(self, request, qs, ContractSerializer)


class ContractDetailApi(APIView):
    @extend_schema(responses=ContractDetailSerializer,
                   summary="One contract with its steps and clocks (404 outside scope)")
    def get(self, request, pk):
        return Response(ContractDetailSerializer(_contract(request, pk)).data)


class LedgerApi(APIView):
    @extend_schema(responses=ContractLedgerRowSerializer(many=True),
                   summary="The purchaser's ledger (台账); every unit's for finance")
    def get(self, request):
        org = request.organization
        if org is None or org.kind not in ("purchaser", "finance"):
            raise NotFound
        qs = ledger_of(organization=org).select_related("purchaser", "award__contract")
        return paginated(self, request, qs, ContractLedgerRowSerializer)


# --- drafting ---------------------------------------------------------------------------

class ContractChargeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(CHARGE_KINDS))
    percent = StrictDecimalField(max_digits=5, decimal_places=2, max_value=Decimal("100"))


class ContractDraftSerializer(serializers.Serializer):
    delivery_place = serializers.CharField(max_length=200)
    delivery_deadline = planned_date_field()
    delivery_terms = serializers.CharField(required=False, allow_blank=True, default="")
    payment_term = serializers.IntegerField(min_value=1, max_value=365)
    payment_term_unit = serializers.ChoiceField(choices=Contract.TermUnit.choices,
                                                default=Contract.TermUnit.WORKDAYS)
    acceptance_term = serializers.IntegerField(min_value=1, max_value=60, default=1)
    advance_percent = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                         max_value=Decimal("100"), required=False,
                                         allow_null=True, default=None)
    charges = ContractChargeSerializer(many=True, required=False, default=list)
    special_terms = serializers.CharField(required=False, allow_blank=True, default="")
    secret_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=list(services.SECRET_FIELDS)), required=False,
        default=list)
    payee_name = serializers.CharField(max_length=200)
    payee_bank = serializers.CharField(max_length=200)
    payee_account = serializers.CharField(max_length=40)
    milestones = ContractMilestoneSerializer(many=True, required=False, default=list)


class ContractDraftApi(APIView):
    @extend_schema(request=ContractDraftSerializer, responses={201: ContractDetailSerializer},
                   summary="Draft (or redraft, before anyone signs) the contract of an "
                           "awarded lot; unlawful terms are refused with their rule")
    def post(self, request, pk):
        award = get_object_or_404(Award, pk=pk,
                                  lot__project__purchaser=request.organization)
        data = ContractDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        payload["charges"] = [{"kind": c["kind"], "percent": str(c["percent"])}
                              for c in payload["charges"]]
        payload["milestones"] = [{"title": m["title"], "due_date": m["due_date"]}
                                 for m in payload["milestones"]]
        try:
            contract = services.contract_draft(award=award, actor=request.user,
                                               ip=client_ip(request), **payload)
        except DomainError as exc:
            audit_request(request, action="contract.draft_refused", obj=award,
                          detail={"code": exc.code, "basis": str(exc.basis),
                                  "message": str(exc)})
            raise
        return Response(ContractDetailSerializer(contract).data,
                        status=status.HTTP_201_CREATED)


# --- the steps -----------------------------------------------------------------------------

class _StepApi(APIView):
    """POST one step of a visible contract; the answer is the contract as it now stands."""

    input_serializer = None
    created = False
    run = None  # the step's function (request, contract, data), set by _step

    def post(self, request, pk, **kwargs):
        contract = _contract(request, pk)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data,
                                               context={"contract": contract})
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.run(request, contract, data, **kwargs)
        contract = _contract(request, pk)
        return Response(ContractDetailSerializer(contract).data,
                        status=status.HTTP_201_CREATED if self.created else status.HTTP_200_OK)


def _step(name, run, serializer=None, summary="", created=False, request_schema=None):
    """A step's view class, with its own ``post`` so each gets its own schema."""
    def post(self, request, pk, **kwargs):
        return _StepApi.post(self, request, pk, **kwargs)

    code = 201 if created else 200
    post = extend_schema(request=request_schema or serializer, summary=summary,
                         responses={code: ContractDetailSerializer})(post)
    return type(name, (_StepApi,), {"run": staticmethod(run), "input_serializer": serializer,
                                    "created": created, "post": post})


class ContractSignSerializer(serializers.Serializer):
    pdf_sha256 = serializers.CharField(
        max_length=64, help_text="The SHA-256 of the PDF you read (from the contract)")


class ContractReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ContractNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ContractAcceptanceRecordSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    items_checked = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField(), min_length=1)
    report = serializers.CharField(required=False, allow_blank=True, default="")
    service_users_invited = serializers.BooleanField(required=False, default=False)
    public_service = serializers.BooleanField(required=False, default=False)


PERFORMANCE_DATE_HELP = "Not before the day the contract was signed, not after today"


class _PerformanceDateMixin:
    """A date under the contract (context["contract"]): see validate_performance_date."""

    def _performance_date(self, value):
        contract = self.context.get("contract")
        if contract is not None:
            try:
                validate_performance_date(contract, value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages, code=exc.code) from None
        return value


class ContractInvoiceSubmitSerializer(_PerformanceDateMixin, serializers.Serializer):
    number = serializers.CharField(max_length=40)
    amount = money_field()
    issued_on = serializers.DateField(help_text=PERFORMANCE_DATE_HELP)
    file = serializers.FileField()

    def validate_issued_on(self, value):
        return self._performance_date(value)


class ContractPaymentRecordSerializer(_PerformanceDateMixin, serializers.Serializer):
    invoice = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="The invoice paid; leave out for the advance payment")
    amount = money_field()
    paid_on = serializers.DateField(help_text=PERFORMANCE_DATE_HELP)
    voucher = serializers.CharField(max_length=60)
    payee_account = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                          default="")

    def validate_paid_on(self, value):
        return self._performance_date(value)


class ContractSupplementProposeSerializer(serializers.Serializer):
    amount = money_field()
    reason = serializers.CharField()


def _sign(request, contract, data):
    services.contract_sign(contract=contract, actor=request.user,
                           organization=request.organization, pdf_sha256=data["pdf_sha256"],
                           ip=client_ip(request))


def _suspend(request, contract, data):
    services.contract_signing_suspend(
        contract=contract, reason=data["reason"], actor=request.user,
        organization=request.organization, ip=client_ip(request))


def _resume(request, contract, data):
    services.contract_signing_resume(
        contract=contract, actor=request.user, organization=request.organization,
        ip=client_ip(request))


def _publish(request, contract, data):
    services.contract_publish(contract=contract, actor=request.user, ip=client_ip(request))


def _file(request, contract, data):
    services.contract_file(contract=contract, actor=request.user, ip=client_ip(request))


def _acceptance_request(request, contract, data):
    services.acceptance_request(contract=contract, actor=request.user, note=data["note"],
                                ip=client_ip(request))


def _acceptance_record(request, contract, data, acceptance_pk):
    acceptance = get_object_or_404(Acceptance, pk=acceptance_pk, contract=contract)
    services.acceptance_record(acceptance=acceptance, actor=request.user,
                               ip=client_ip(request), **data)


def _invoice(request, contract, data):
    upload = data["file"]
    services.invoice_submit(contract=contract, actor=request.user, number=data["number"],
                            amount=data["amount"], issued_on=data["issued_on"],
                            file_name=upload.name, file_data=upload.read(),
                            ip=client_ip(request))


def _payment(request, contract, data):
    invoice = None
    if data["invoice"] is not None:
        invoice = get_object_or_404(contract.invoices, pk=data["invoice"])
    try:
        services.payment_record(contract=contract, actor=request.user, invoice=invoice,
                                amount=data["amount"], paid_on=data["paid_on"],
                                voucher=data["voucher"], payee_account=data["payee_account"],
                                ip=client_ip(request))
    except DomainError as exc:
        audit_request(request, action="payment.refused", obj=contract,
                      detail={"code": exc.code, "basis": str(exc.basis), "message": str(exc)})
        raise


def _supplement(request, contract, data):
    services.supplement_propose(contract=contract, actor=request.user, ip=client_ip(request),
                                **data)


def _supplement_confirm(request, contract, data, supplement_pk):
    supplement = get_object_or_404(contract.supplements, pk=supplement_pk)
    services.supplement_confirm(supplement=supplement, actor=request.user,
                                ip=client_ip(request))


def _milestone(request, contract, data, milestone_pk):
    milestone = get_object_or_404(contract.milestones, pk=milestone_pk)
    services.milestone_done(milestone=milestone, actor=request.user, note=data["note"],
                            ip=client_ip(request))


ContractSignApi = _step(
    "ContractSignApi", _sign, ContractSignSerializer,
    summary="Sign for the caller's organisation, bound to the SHA-256 of the PDF read "
            "(a stale hash is refused)")
ContractSuspendApi = _step(
    "ContractSuspendApi", _suspend, ContractReasonSerializer,
    summary="Suspend signing during a challenge (条例 第54条): finance or the purchaser")
ContractResumeApi = _step(
    "ContractResumeApi", _resume,
    summary="Resume suspended signing: finance or the purchaser")
ContractPublishApi = _step(
    "ContractPublishApi", _publish,
    summary="Publish the signed contract without its trade secrets (条例 第50条)")
ContractFileApi = _step(
    "ContractFileApi", _file, summary="File (备案) the signed contract (法 第47条)")
AcceptanceRequestApi = _step(
    "AcceptanceRequestApi", _acceptance_request, ContractNoteSerializer, created=True,
    summary="The supplier asks for acceptance; the purchaser's clock starts")
AcceptanceRecordApi = _step(
    "AcceptanceRecordApi", _acceptance_record, ContractAcceptanceRecordSerializer,
    summary="The purchaser records the acceptance: passed, or what to rectify")
InvoiceSubmitApi = _step(
    "InvoiceSubmitApi", _invoice, ContractInvoiceSubmitSerializer, created=True,
    request_schema={"multipart/form-data": ContractInvoiceSubmitSerializer},
    summary="The supplier submits an invoice (PDF or image); the payment clock starts")
PaymentRecordApi = _step(
    "PaymentRecordApi", _payment, ContractPaymentRecordSerializer, created=True,
    summary="The purchaser records a payment: the advance, or against an invoice; "
            "never more than owed")
SupplementProposeApi = _step(
    "SupplementProposeApi", _supplement, ContractSupplementProposeSerializer, created=True,
    summary="Propose a supplementary contract: at most 10 % in all (法 第49条)")
SupplementConfirmApi = _step(
    "SupplementConfirmApi", _supplement_confirm,
    summary="The supplier confirms a supplementary contract")
MilestoneDoneApi = _step(
    "MilestoneDoneApi", _milestone, ContractNoteSerializer,
    summary="The supplier reports a delivery milestone done")
