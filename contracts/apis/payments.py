"""Invoices and payments."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.views import APIView

from core.apis import money_field
from core.http import client_ip

from .. import services
from ..rules import validate_performance_date
from .reading import (
    ActsForContractParty,
    ContractDetailSerializer,
    contract_answer,
    visible_contract,
)

PERFORMANCE_DATE_HELP = "Not before the day the contract was signed, not after today"


def performance_date(serializer, value):
    """A date under the contract (``context["contract"]``): validate_performance_date."""
    try:
        validate_performance_date(serializer.context["contract"], value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages, code=exc.code) from None
    return value


class InvoiceSubmitApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        number = serializers.CharField(max_length=40)
        amount = money_field()
        issued_on = serializers.DateField(help_text=PERFORMANCE_DATE_HELP)
        file = serializers.FileField()

        class Meta:
            ref_name = "ContractInvoiceSubmit"

        def validate_issued_on(self, value):
            return performance_date(self, value)

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: ContractDetailSerializer},
                   summary="The supplier submits an invoice (PDF or image); the payment "
                           "clock starts")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data, context={"contract": contract})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        services.invoice_submit(contract=contract, actor=request.user, number=data["number"],
                                amount=data["amount"], issued_on=data["issued_on"],
                                file_name=upload.name, file_data=upload.read(),
                                ip=client_ip(request))
        return contract_answer(request, pk, code=status.HTTP_201_CREATED)


class PaymentRecordApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        invoice = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="The invoice paid; leave out for the advance payment")
        amount = money_field()
        paid_on = serializers.DateField(help_text=PERFORMANCE_DATE_HELP)
        voucher = serializers.CharField(max_length=60)
        payee_account = serializers.CharField(max_length=40, required=False,
                                              allow_blank=True, default="")

        class Meta:
            ref_name = "ContractPaymentRecord"

        def validate_paid_on(self, value):
            return performance_date(self, value)

    @extend_schema(request=InputSerializer, responses={201: ContractDetailSerializer},
                   summary="The purchaser records a payment: the advance, or against an "
                           "invoice; never more than owed")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data, context={"contract": contract})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["invoice"] is not None:
            data["invoice"] = get_object_or_404(contract.invoices, pk=data["invoice"])
        services.payment_record(contract=contract, actor=request.user, ip=client_ip(request),
                                **data)
        return contract_answer(request, pk, code=status.HTTP_201_CREATED)
