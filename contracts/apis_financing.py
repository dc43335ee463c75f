"""The contract financing API (春风行动 第26条): every step of the pages, through the same
services. A bank sees only the applications made to it; anything else is 404."""

from decimal import Decimal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from core.apis import StrictDecimalField, money_field, paginated
from core.http import client_ip

from .models import FinancingApplication, FinancingOffer, Repayment
from .selectors import (
    contracts_visible_to,
    financing_applications_visible_to,
    financing_offers_for,
    financing_offers_of,
    repayments_prefetch,
)
from .services import financing as services
from .services.financing import offer_cap

POSITIVE = Decimal("0.01")


def _org(request, kind) -> Organization:
    org = request.organization
    if org is None or org.kind != kind:
        raise NotFound
    return org


def _application(request, pk, kind=None) -> FinancingApplication:
    if kind is not None:
        _org(request, kind)
    return get_object_or_404(
        financing_applications_visible_to(organization=request.organization), pk=pk)


# --- serializers ---------------------------------------------------------------------------

class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    bank = serializers.CharField(source="bank.name", read_only=True)
    name = serializers.CharField(max_length=200)
    rate = serializers.CharField(max_length=60)
    max_percent = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                     max_value=Decimal("100"))
    term_months = serializers.IntegerField(min_value=1, max_value=360)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class RepaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_at = serializers.DateTimeField(allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", allow_null=True,
                                        default=None, help_text="Who at the bank recorded it")


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
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
    repayments = RepaymentSerializer(many=True, source="repayments.all")
    rating = serializers.IntegerField(allow_null=True)
    rating_comment = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)


class ApplyInputSerializer(serializers.Serializer):
    contract = serializers.IntegerField(help_text="The supplier's signed contract")
    offer = serializers.IntegerField(help_text="An active offer; the application goes to "
                                               "its bank")
    amount = money_field()
    consent = serializers.BooleanField(
        help_text="Consent to share the award and the contract with that bank only; "
                  "required")


class DecideInputSerializer(serializers.Serializer):
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


class ScheduleRowSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    amount = money_field()


class DisburseInputSerializer(serializers.Serializer):
    amount = money_field()
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    schedule = ScheduleRowSerializer(many=True)


class RateInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ContractOfferSerializer(OfferSerializer):
    up_to = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True,
                                     help_text="The most this offer lends on the contract")


class ContractFinancingSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    number = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    can_apply = serializers.BooleanField()
    policy = serializers.CharField()
    offers = ContractOfferSerializer(many=True)
    applications = ApplicationSerializer(many=True)


# --- offers --------------------------------------------------------------------------------

class OfferListApi(APIView):
    @extend_schema(responses=OfferSerializer(many=True),
                   summary="Financing offers: a bank's own (withdrawn too), or every bank's "
                           "active offers")
    def get(self, request):
        org = request.organization
        if org is not None and org.kind == Organization.Kind.BANK:
            qs = financing_offers_of(organization=org).select_related("bank")
        else:
            qs = financing_offers_for()
        return paginated(self, request, qs, OfferSerializer)

    @extend_schema(request=OfferSerializer, responses={201: OfferSerializer},
                   summary="Publish a financing offer (bank staff)")
    def post(self, request):
        bank = _org(request, Organization.Kind.BANK)
        data = OfferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.financing_offer_save(bank=bank, actor=request.user,
                                              ip=client_ip(request), **data.validated_data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferDetailApi(APIView):
    @extend_schema(request=OfferSerializer, responses=OfferSerializer,
                   summary="Change or withdraw one of the bank's offers (bank staff)")
    def put(self, request, pk):
        bank = _org(request, Organization.Kind.BANK)
        offer = get_object_or_404(financing_offers_of(organization=bank), pk=pk)
        data = OfferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.financing_offer_save(bank=bank, actor=request.user, offer=offer,
                                              ip=client_ip(request), **data.validated_data)
        return Response(OfferSerializer(offer).data)


# --- the supplier --------------------------------------------------------------------------

class ContractFinancingApi(APIView):
    @extend_schema(responses=ContractFinancingSerializer,
                   summary="A contract's financing: the offers, what each lends on it, and "
                           "the applications (the supplier only)")
    def get(self, request, pk):
        supplier = _org(request, Organization.Kind.SUPPLIER)
        contract = get_object_or_404(
            contracts_visible_to(organization=supplier).filter(supplier=supplier), pk=pk)
        offers = list(financing_offers_for(contract.award))
        for offer in offers:
            offer.up_to = offer_cap(offer, contract.amount)
        applications = FinancingApplication.objects.filter(
            contract=contract, supplier=supplier).select_related(
            "contract__award", "contract__purchaser", "supplier", "bank", "offer", "consent_by"
        ).prefetch_related(repayments_prefetch())
        live = applications.filter(status__in=services.LIVE).exists()
        return Response(ContractFinancingSerializer({
            "contract": contract.pk, "number": contract.number, "amount": contract.amount,
            "can_apply": contract.signed_at is not None and contract.status != "paid"
            and not live,
            "policy": f"{services.POLICY} ({services.BASIS})",
            "offers": offers, "applications": applications}).data)


class ApplicationListApi(APIView):
    @extend_schema(responses=ApplicationSerializer(many=True),
                   summary="Financing applications: the supplier's own, or those made to the "
                           "bank")
    def get(self, request):
        qs = financing_applications_visible_to(organization=request.organization) \
            .select_related("consent_by").prefetch_related(repayments_prefetch())
        wanted = request.query_params.get("status", "")
        if wanted in FinancingApplication.Status.values:
            qs = qs.filter(status=wanted)
        return paginated(self, request, qs, ApplicationSerializer)

    @extend_schema(request=ApplyInputSerializer, responses={201: ApplicationSerializer},
                   summary="Apply for financing to one bank's offer, consenting to share the "
                           "award and contract with that bank only (the supplier)")
    def post(self, request):
        supplier = _org(request, Organization.Kind.SUPPLIER)
        data = ApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = get_object_or_404(
            contracts_visible_to(organization=supplier).filter(supplier=supplier),
            pk=data.validated_data["contract"])
        offer = FinancingOffer.objects.select_related("bank").filter(
            pk=data.validated_data["offer"]).first()
        if offer is None or offer not in financing_offers_for(contract.award):
            raise serializers.ValidationError({"offer": "not an active offer"})
        application = services.financing_apply(
            contract=contract, bank=offer.bank, offer=offer, actor=request.user,
            amount=data.validated_data["amount"], consent=data.validated_data["consent"],
            ip=client_ip(request))
        return Response(ApplicationSerializer(application).data,
                        status=status.HTTP_201_CREATED)


class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationSerializer,
                   summary="One application (its supplier or its bank; 404 to anyone else)")
    def get(self, request, pk):
        return Response(ApplicationSerializer(_application(request, pk)).data)


class RateApi(APIView):
    @extend_schema(request=RateInputSerializer, responses=ApplicationSerializer,
                   summary="Rate the bank's service once disbursed (the supplier)")
    def post(self, request, pk):
        application = _application(request, pk, Organization.Kind.SUPPLIER)
        data = RateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.financing_rate(application=application, actor=request.user,
                                               ip=client_ip(request), **data.validated_data)
        return Response(ApplicationSerializer(application).data)


# --- the bank ------------------------------------------------------------------------------

class DecideApi(APIView):
    @extend_schema(request=DecideInputSerializer, responses=ApplicationSerializer,
                   summary="Approve (amount, rate, collection account) or refuse with a reason "
                           "(the bank)")
    def post(self, request, pk):
        application = _application(request, pk, Organization.Kind.BANK)
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.financing_decide(application=application, actor=request.user,
                                                ip=client_ip(request), **data.validated_data)
        return Response(ApplicationSerializer(application).data)


class DisburseApi(APIView):
    @extend_schema(request=DisburseInputSerializer, responses=ApplicationSerializer,
                   summary="Record the disbursement and its repayment schedule, which sums to "
                           "the amount (the bank)")
    def post(self, request, pk):
        application = _application(request, pk, Organization.Kind.BANK)
        data = DisburseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.financing_disburse(
            application=application, actor=request.user, amount=data.validated_data["amount"],
            at=data.validated_data["at"], schedule=data.validated_data["schedule"],
            ip=client_ip(request))
        return Response(ApplicationSerializer(application).data)


class RepayApi(APIView):
    @extend_schema(request=None, responses=ApplicationSerializer,
                   summary="Record one repayment as received; the last one repays the loan "
                           "(the bank)")
    def post(self, request, pk, repayment_pk):
        application = _application(request, pk, Organization.Kind.BANK)
        repayment = get_object_or_404(Repayment, pk=repayment_pk, application=application)
        services.financing_repay(repayment=repayment, actor=request.user,
                                 ip=client_ip(request))
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


class _PdfApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The PDF is not rendered by DRF; errors fall back to JSON whatever is accepted.
        return super().perform_content_negotiation(request, force=True)


class ContractPdfApi(_PdfApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="financing_applications_contract_pdf_retrieve",
                   summary="The contract PDF, for the bank applied to only")
    def get(self, request, pk):
        contract = _application(request, pk, Organization.Kind.BANK).contract
        if not contract.pdf:
            raise NotFound
        return FileResponse(contract.pdf.open("rb"), content_type="application/pdf",
                            filename=f"{contract.number}.pdf")


class AwardNoticePdfApi(_PdfApi):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="financing_applications_award_notice_pdf_retrieve",
                   summary="The award notice PDF, for the bank applied to only")
    def get(self, request, pk):
        award = _application(request, pk, Organization.Kind.BANK).contract.award
        if not award.notice_pdf:
            raise NotFound
        return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                            filename=f"中标通知书-{award.lot.project.code}-{award.lot.number}.pdf")
