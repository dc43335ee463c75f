"""Reading contracts and the ledger; the contract as every step answers it."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsFor
from core.apis import paginated, planned_date_field
from core.filters import check_filters, openapi_parameters

from ..filters import ContractFilterSet, LedgerFilterSet
from ..models import Contract
from ..selectors import (
    contract_detail,
    contract_filterset,
    contracts_visible_to,
    ledger_filterset,
)
from ..steps import contract_actions

K = Organization.Kind
FINANCE_ONLY = {"purchaser": "For the finance bureau, which reads every unit's."}


class ActsForContractParty(ActsFor):
    """Contracts are read and acted on by their purchasers and suppliers, and supervised
    by the finance bureau; everyone else gets 404."""

    allowed_kinds = (K.PURCHASER, K.SUPPLIER, K.FINANCE)


class ActsForLedger(ActsFor):
    """The ledger (台账) is the purchaser's, and supervision's."""

    allowed_kinds = (K.PURCHASER, K.FINANCE)


def visible_contract(request, pk) -> Contract:
    """The contract, if the caller's organisation sees it; else 404."""
    return get_object_or_404(
        contracts_visible_to(user=request.user, organization=request.organization), pk=pk)


def contract_answer(request, pk, *, code=status.HTTP_200_OK) -> Response:
    """The contract as it now stands, read again after the step."""
    detail = contract_detail(visible_contract(request, pk), organization=request.organization)
    return Response(ContractDetailSerializer(detail).data, status=code)


# --- what is read -------------------------------------------------------------------------

class ContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    actions = serializers.SerializerMethodField(
        help_text="The status steps allowed now (contracts.steps.CONTRACT): sign, "
                  "countersign, request_acceptance, accept, rectify, pay")
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

    def get_actions(self, obj) -> list[str]:
        return contract_actions(obj)


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
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The steps allowed now (contracts.steps.ACCEPTANCE): pass, fail")
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
    status = serializers.CharField()
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The steps allowed now (contracts.steps.INVOICE): pay_part, pay")
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    late_interest = serializers.DecimalField(
        max_digits=16, decimal_places=2,
        help_text="Owed to an SME for paying late (保障中小企业款项支付条例 第15条)")


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
    overdue = serializers.BooleanField(help_text="Past due and not done")


class ContractAllowedSerializer(serializers.Serializer):
    """What the caller's organisation may do on the contract now (its people's roles are
    checked again when they do it)."""

    sign = serializers.BooleanField()
    redraft = serializers.BooleanField()
    suspend = serializers.BooleanField()
    resume = serializers.BooleanField()
    publish = serializers.BooleanField()
    file = serializers.BooleanField()
    mark_milestones = serializers.BooleanField()
    request_acceptance = serializers.BooleanField()
    record_acceptance = serializers.BooleanField()
    invoice = serializers.BooleanField()
    pay = serializers.BooleanField()
    supplement = serializers.BooleanField()
    confirm_supplements = serializers.BooleanField()


class ContractDetailSerializer(ContractSerializer):
    """One contract as ``selectors.contract_detail`` reads it (the page shows the same)."""

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
    party = serializers.CharField(help_text="How the caller stands to the contract: "
                                            "purchaser, supplier or finance")
    allowed = ContractAllowedSerializer()
    supplier_is_sme = serializers.BooleanField()
    collection_account = serializers.CharField(
        help_text="Where payments go: the financing bank's collection account, if any")
    signatures = ContractSignatureSerializer(many=True)
    milestones = ContractMilestoneSerializer(many=True)
    acceptances = ContractAcceptanceSerializer(many=True)
    invoices = ContractInvoiceSerializer(many=True)
    payments = ContractPaymentSerializer(many=True)
    supplements = ContractSupplementSerializer(many=True)
    clocks = ContractClockSerializer(many=True)

    def get_actions(self, obj) -> list[str]:
        return obj.actions


class ContractLedgerRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.IntegerField(source="award_id")
    contract = serializers.IntegerField(source="contract_pk", allow_null=True)
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
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2,
                                          help_text="The sum of the contract's payments")
    status = serializers.CharField(help_text="The contract's status, or awarded")
    overdue_clocks = serializers.IntegerField(help_text="Clocks past due, counted now")
    updated_at = serializers.DateTimeField(help_text="When anything on the row last moved")


# --- the endpoints ------------------------------------------------------------------------

class ContractListApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(responses=ContractSerializer(many=True),
                   parameters=openapi_parameters(ContractFilterSet, FINANCE_ONLY),
                   summary="Contracts: the caller's as purchaser or supplier, all for finance")
    def get(self, request):
        filterset = contract_filterset(organization=request.organization,
                                       filters=request.query_params)
        check_filters(filterset)  # an unknown status is refused, as documented
        return paginated(self, request, filterset.qs, ContractSerializer)


class ContractDetailApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(responses=ContractDetailSerializer,
                   summary="One contract with its steps and clocks (404 outside scope)")
    def get(self, request, pk):
        return contract_answer(request, pk)


class LedgerApi(APIView):
    permission_classes = [ActsForLedger]

    @extend_schema(responses=ContractLedgerRowSerializer(many=True),
                   parameters=openapi_parameters(LedgerFilterSet, FINANCE_ONLY),
                   summary="The purchaser's ledger (台账); every unit's for finance")
    def get(self, request):
        filterset = ledger_filterset(organization=request.organization,
                                     filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, ContractLedgerRowSerializer)
