"""The contract financing API (春风行动 第26条): every step of the pages, through the same
services, one ``APIView`` per operation.

A bank sees only the applications made to it, a supplier only its own; anything else is
404 (``accounts.permissions`` and the selectors). Refusals come back as
``{"code", "detail", "basis"?, "field"?}`` (``core.apis.exception_handler``) and are
recorded by the services themselves (``core.refusals``). Each application carries its
``actions``: the steps of ``steps.APPLICATION`` the bank may take now."""

from decimal import Decimal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsFor, ActsForBank, ActsForSupplier, acting_organization
from core.apis import StrictDecimalField, money_field, paginated
from core.http import client_ip

from . import services, steps
from .models import FinancingApplication, Repayment
from .selectors import (
    contract_financing,
    financing_applications_visible_to,
    financing_offers_for,
    financing_offers_of,
    repayments_prefetch,
    supplier_contracts,
)

K = Organization.Kind
POSITIVE = Decimal("0.01")


class ActsForBankOrSupplier(ActsFor):
    """The two sides of a financing application; anyone else is 404."""

    allowed_kinds = (K.BANK, K.SUPPLIER)


def _application(request, pk) -> FinancingApplication:
    """An application the acting bank or supplier may see, with its repayments."""
    return get_object_or_404(
        financing_applications_visible_to(organization=request.organization)
        .prefetch_related(repayments_prefetch()), pk=pk)


# --- what the API answers with ----------------------------------------------------------------

class OfferOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Offer"

    id = serializers.IntegerField()
    bank = serializers.CharField(source="bank.name")
    name = serializers.CharField()
    rate = serializers.CharField()
    max_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    term_months = serializers.IntegerField()
    description = serializers.CharField()
    is_active = serializers.BooleanField()


class RepaymentOutputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Repayment"

    id = serializers.IntegerField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_at = serializers.DateTimeField(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", allow_null=True,
                                        default=None, help_text="Who at the bank recorded it")


class ApplicationOutputSerializer(serializers.Serializer):
    """One application, as its supplier and its bank see it."""

    class Meta:
        ref_name = "Application"

    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    actions = serializers.SerializerMethodField(
        help_text="The steps the bank may take now (approve, refuse, disburse, repay)")
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField(source="contract.number")
    contract_title = serializers.CharField(source="contract.title")
    contract_amount = serializers.DecimalField(source="contract.amount", max_digits=16,
                                               decimal_places=2)
    contract_status = serializers.CharField(source="contract.status")
    purchaser = serializers.CharField(source="contract.purchaser.name")
    award_amount = serializers.DecimalField(source="contract.award.amount", max_digits=16,
                                            decimal_places=2)
    award_confirmed_at = serializers.DateTimeField(source="contract.award.confirmed_at")
    supplier = serializers.CharField(source="supplier.name")
    supplier_credit_code = serializers.CharField(source="supplier.credit_code")
    bank = serializers.CharField(source="bank.name")
    offer = serializers.IntegerField(source="offer_id", allow_null=True)
    offer_name = serializers.CharField(source="offer.name", allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    consent_at = serializers.DateTimeField()
    consent_by = serializers.CharField(source="consent_by.display_name")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    approved_amount = serializers.DecimalField(max_digits=16, decimal_places=2,
                                               allow_null=True)
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    collection_account = serializers.CharField()
    collection_bank = serializers.CharField()
    disbursed_at = serializers.DateTimeField(allow_null=True)
    disbursed_amount = serializers.DecimalField(max_digits=16, decimal_places=2,
                                                allow_null=True)
    repayments = RepaymentOutputSerializer(many=True, source="repayments.all")
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)

    def get_actions(self, application) -> list[str]:
        return steps.APPLICATION.actions(application)


# --- offers --------------------------------------------------------------------------------

class OfferListApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OfferInput"

        name = serializers.CharField(max_length=200)
        rate = serializers.CharField(max_length=60)
        max_percent = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                         max_value=Decimal("100"))
        term_months = serializers.IntegerField(min_value=1, max_value=360)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        is_active = serializers.BooleanField(required=False, default=True)

    @extend_schema(responses=OfferOutputSerializer(many=True),
                   summary="Financing offers: a bank's own (withdrawn too), or every bank's "
                           "active offers")
    def get(self, request):
        org = request.organization
        qs = financing_offers_of(organization=org) if org is not None and org.kind == K.BANK \
            else financing_offers_for()
        return paginated(self, request, qs, OfferOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OfferOutputSerializer},
                   summary="Publish a financing offer (bank staff)")
    def post(self, request):
        bank = acting_organization(request, K.BANK)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.financing_offer_save(bank=bank, actor=request.user,
                                              ip=client_ip(request), **data.validated_data)
        return Response(OfferOutputSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferUpdateApi(APIView):
    permission_classes = [ActsForBank]

    InputSerializer = OfferListApi.InputSerializer

    @extend_schema(request=InputSerializer, responses=OfferOutputSerializer,
                   summary="Change or withdraw one of the bank's offers (bank staff)")
    def put(self, request, pk):
        bank = acting_organization(request, K.BANK)
        offer = get_object_or_404(financing_offers_of(organization=bank), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.financing_offer_save(bank=bank, actor=request.user, offer=offer,
                                              ip=client_ip(request), **data.validated_data)
        return Response(OfferOutputSerializer(offer).data)


# --- the supplier --------------------------------------------------------------------------

class ContractFinancingApi(APIView):
    permission_classes = [ActsForSupplier]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ContractFinancing"

        class OfferSerializer(OfferOutputSerializer):
            class Meta:
                ref_name = "ContractOffer"

            up_to = serializers.DecimalField(max_digits=16, decimal_places=2,
                                             help_text="The most this offer lends on the "
                                                       "contract")

        contract = serializers.IntegerField(source="contract.pk")
        number = serializers.CharField(source="contract.number")
        amount = serializers.DecimalField(source="contract.amount", max_digits=16,
                                          decimal_places=2)
        can_apply = serializers.BooleanField()
        policy = serializers.SerializerMethodField()
        offers = OfferSerializer(many=True)
        applications = ApplicationOutputSerializer(many=True)

        def get_policy(self, financing) -> str:
            return f"{services.POLICY} ({services.BASIS})"

    @extend_schema(responses=OutputSerializer,
                   summary="A contract's financing: the offers, what each lends on it, and "
                           "the applications (the supplier only)")
    def get(self, request, pk):
        supplier = acting_organization(request, K.SUPPLIER)
        contract = get_object_or_404(supplier_contracts(organization=supplier), pk=pk)
        return Response(self.OutputSerializer(contract_financing(contract)).data)


class ApplicationListApi(APIView):
    permission_classes = [ActsForBankOrSupplier]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ApplyInput"

        contract = serializers.IntegerField(help_text="The supplier's signed contract")
        offer = serializers.IntegerField(help_text="An active offer; the application goes to "
                                                   "its bank")
        amount = money_field()
        consent = serializers.BooleanField(
            help_text="Consent to share the award and the contract with that bank only; "
                      "required")

    @extend_schema(responses=ApplicationOutputSerializer(many=True),
                   summary="Financing applications: the supplier's own, or those made to the "
                           "bank")
    def get(self, request):
        qs = financing_applications_visible_to(
            organization=request.organization, status=request.query_params.get("status", "")
        ).prefetch_related(repayments_prefetch())
        return paginated(self, request, qs, ApplicationOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: ApplicationOutputSerializer},
                   summary="Apply for financing to one bank's offer, consenting to share the "
                           "award and contract with that bank only (the supplier)")
    def post(self, request):
        supplier = acting_organization(request, K.SUPPLIER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = get_object_or_404(supplier_contracts(organization=supplier),
                                     pk=data.validated_data["contract"])
        offer = financing_offers_for(contract.award).filter(
            pk=data.validated_data["offer"]).first()
        if offer is None:
            raise serializers.ValidationError({"offer": "not an active offer"})
        application = services.financing_apply(
            supplier=supplier, contract=contract, offer=offer, actor=request.user,
            amount=data.validated_data["amount"], consent=data.validated_data["consent"],
            ip=client_ip(request))
        return Response(ApplicationOutputSerializer(_application(request, application.pk)).data,
                        status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    permission_classes = [ActsForBankOrSupplier]

    @extend_schema(responses=ApplicationOutputSerializer,
                   summary="One application (its supplier or its bank; 404 to anyone else)")
    def get(self, request, pk):
        return Response(ApplicationOutputSerializer(_application(request, pk)).data)


class ApplicationRateApi(APIView):
    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RateInput"

        rating = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ApplicationOutputSerializer,
                   summary="Rate the bank's service once disbursed (the supplier)")
    def post(self, request, pk):
        application = _application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.financing_rate(application=application, supplier=request.organization,
                                actor=request.user, ip=client_ip(request),
                                **data.validated_data)
        return Response(ApplicationOutputSerializer(_application(request, pk)).data)


# --- the bank ------------------------------------------------------------------------------

class ApplicationDecideApi(APIView):
    permission_classes = [ActsForBank]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DecideInput"

        approved = serializers.BooleanField()
        approved_amount = money_field(required=False, allow_null=True, default=None)
        rate = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                  max_value=Decimal("100"), required=False, allow_null=True,
                                  default=None, help_text="Annual rate in %")
        collection_account = serializers.CharField(max_length=40, required=False,
                                                   allow_blank=True, default="")
        collection_bank = serializers.CharField(max_length=200, required=False,
                                                allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=ApplicationOutputSerializer,
                   summary="Approve (amount, rate, collection account) or refuse with a reason "
                           "(the bank)")
    def post(self, request, pk):
        application = _application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.financing_decide(application=application, bank=request.organization,
                                  actor=request.user, ip=client_ip(request),
                                  **data.validated_data)
        return Response(ApplicationOutputSerializer(_application(request, pk)).data)


class ApplicationDisburseApi(APIView):
    permission_classes = [ActsForBank]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DisburseInput"

        class ScheduleRowSerializer(serializers.Serializer):
            class Meta:
                ref_name = "ScheduleRow"

            due_date = serializers.DateField()
            amount = money_field()

        amount = money_field()
        at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        schedule = ScheduleRowSerializer(many=True)

    @extend_schema(request=InputSerializer, responses=ApplicationOutputSerializer,
                   summary="Record the disbursement and its repayment schedule, which sums to "
                           "the amount (the bank)")
    def post(self, request, pk):
        application = _application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.financing_disburse(application=application, bank=request.organization,
                                    actor=request.user, ip=client_ip(request),
                                    **data.validated_data)
        return Response(ApplicationOutputSerializer(_application(request, pk)).data)


class RepaymentRepayApi(APIView):
    permission_classes = [ActsForBank]

    @extend_schema(request=None, responses=ApplicationOutputSerializer,
                   summary="Record one repayment as received; the last one repays the loan "
                           "(the bank)")
    def post(self, request, pk, repayment_pk):
        application = _application(request, pk)
        repayment = get_object_or_404(Repayment, pk=repayment_pk, application=application)
        services.financing_repay(repayment=repayment, bank=request.organization,
                                 actor=request.user, ip=client_ip(request))
        return Response(ApplicationOutputSerializer(_application(request, pk)).data)


class _PdfApi(APIView):
    permission_classes = [ActsForBank]

    def perform_content_negotiation(self, request, force=False):
        # The PDF is not rendered by DRF; errors fall back to JSON whatever is accepted.
        return super().perform_content_negotiation(request, force=True)


class ApplicationContractPdfApi(_PdfApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="financing_applications_contract_pdf_retrieve",
                   summary="The contract PDF, for the bank applied to only")
    def get(self, request, pk):
        contract = _application(request, pk).contract
        if not contract.pdf:
            raise NotFound
        return FileResponse(contract.pdf.open("rb"), content_type="application/pdf",
                            filename=f"{contract.number}.pdf")


class ApplicationAwardNoticePdfApi(_PdfApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="financing_applications_award_notice_pdf_retrieve",
                   summary="The award notice PDF, for the bank applied to only")
    def get(self, request, pk):
        award = _application(request, pk).contract.award
        if not award.notice_pdf:
            raise NotFound
        return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                            filename=f"中标通知书-{award.lot.project.code}-{award.lot.number}.pdf")
