"""Drafting the contract of an awarded lot."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForPurchaser
from core.apis import StrictDecimalField, planned_date_field
from core.http import client_ip
from procurement.models import Award

from .. import services
from ..models import Contract
from ..rules import CHARGE_KINDS
from ..selectors import contract_detail
from .reading import ContractDetailSerializer, ContractMilestoneSerializer

POSITIVE = Decimal("0.01")


class ContractChargeSerializer(serializers.Serializer):
    """A bond or fee the draft would ask of the supplier (refused unless the profile
    allows it: 春风行动 第19条)."""

    kind = serializers.ChoiceField(choices=list(CHARGE_KINDS))
    percent = StrictDecimalField(max_digits=5, decimal_places=2, max_value=Decimal("100"))


class ContractDraftApi(APIView):
    """The purchaser drafts (or redrafts, before anyone signs) the contract of its
    awarded lot; the supplier and outsiders do not even see the award (404)."""

    permission_classes = [ActsForPurchaser]

    class InputSerializer(serializers.Serializer):
        delivery_place = serializers.CharField(max_length=200)
        delivery_deadline = planned_date_field()
        delivery_terms = serializers.CharField(required=False, allow_blank=True, default="")
        payment_term = serializers.IntegerField(min_value=1, max_value=365)
        payment_term_unit = serializers.ChoiceField(choices=Contract.TermUnit.choices,
                                                    default=Contract.TermUnit.WORKDAYS)
        acceptance_term = serializers.IntegerField(min_value=1, max_value=60, default=1)
        advance_percent = StrictDecimalField(max_digits=5, decimal_places=2,
                                             min_value=POSITIVE, max_value=Decimal("100"),
                                             required=False, allow_null=True, default=None)
        charges = ContractChargeSerializer(many=True, required=False, default=list)
        special_terms = serializers.CharField(required=False, allow_blank=True, default="")
        secret_fields = serializers.ListField(
            child=serializers.ChoiceField(choices=list(services.SECRET_FIELDS)),
            required=False, default=list)
        payee_name = serializers.CharField(max_length=200)
        payee_bank = serializers.CharField(max_length=200)
        payee_account = serializers.CharField(max_length=40)
        milestones = ContractMilestoneSerializer(many=True, required=False, default=list)

        class Meta:
            ref_name = "ContractDraft"

    @extend_schema(request=InputSerializer, responses={201: ContractDetailSerializer},
                   summary="Draft (or redraft, before anyone signs) the contract of an "
                           "awarded lot; unlawful terms are refused with their rule")
    def post(self, request, pk):
        award = get_object_or_404(Award, pk=pk, lot__project__purchaser=request.organization)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["charges"] = [{"kind": c["kind"], "percent": str(c["percent"])}
                           for c in data["charges"]]
        data["milestones"] = [{"title": m["title"], "due_date": m["due_date"]}
                              for m in data["milestones"]]
        contract = services.contract_draft(award=award, actor=request.user,
                                           ip=client_ip(request), **data)
        detail = contract_detail(contract, organization=request.organization)
        return Response(ContractDetailSerializer(detail).data, status=status.HTTP_201_CREATED)
