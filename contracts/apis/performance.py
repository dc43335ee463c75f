"""Performance: delivery milestones, acceptance, supplementary contracts."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.views import APIView

from core.apis import money_field
from core.http import client_ip

from .. import services
from .reading import (
    ActsForContractParty,
    ContractDetailSerializer,
    contract_answer,
    visible_contract,
)


class MilestoneDoneApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ContractMilestoneDone"

    @extend_schema(request=InputSerializer, responses=ContractDetailSerializer,
                   summary="The supplier reports a delivery milestone done")
    def post(self, request, pk, milestone_pk):
        milestone = get_object_or_404(visible_contract(request, pk).milestones, pk=milestone_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.milestone_done(milestone=milestone, actor=request.user,
                                ip=client_ip(request), **serializer.validated_data)
        return contract_answer(request, pk)


class AcceptanceRequestApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="What was delivered")

        class Meta:
            ref_name = "ContractAcceptanceRequest"

    @extend_schema(request=InputSerializer, responses={201: ContractDetailSerializer},
                   summary="The supplier asks for acceptance; the purchaser's clock starts")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.acceptance_request(contract=contract, actor=request.user,
                                    ip=client_ip(request), **serializer.validated_data)
        return contract_answer(request, pk, code=status.HTTP_201_CREATED)


class AcceptanceRecordApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        passed = serializers.BooleanField()
        items_checked = serializers.CharField()
        members = serializers.ListField(child=serializers.CharField(), min_length=1)
        report = serializers.CharField(required=False, allow_blank=True, default="")
        service_users_invited = serializers.BooleanField(required=False, default=False)
        public_service = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "ContractAcceptanceRecord"

    @extend_schema(request=InputSerializer, responses=ContractDetailSerializer,
                   summary="The purchaser records the acceptance: passed, or what to rectify")
    def post(self, request, pk, acceptance_pk):
        acceptance = get_object_or_404(visible_contract(request, pk).acceptances,
                                       pk=acceptance_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.acceptance_record(acceptance=acceptance, actor=request.user,
                                   ip=client_ip(request), **serializer.validated_data)
        return contract_answer(request, pk)


class SupplementProposeApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        amount = money_field()
        reason = serializers.CharField()

        class Meta:
            ref_name = "ContractSupplementPropose"

    @extend_schema(request=InputSerializer, responses={201: ContractDetailSerializer},
                   summary="Propose a supplementary contract: at most 10 % in all (法 第49条)")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.supplement_propose(contract=contract, actor=request.user,
                                    ip=client_ip(request), **serializer.validated_data)
        return contract_answer(request, pk, code=status.HTTP_201_CREATED)


class SupplementConfirmApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(request=None, responses=ContractDetailSerializer,
                   summary="The supplier confirms a supplementary contract")
    def post(self, request, pk, supplement_pk):
        supplement = get_object_or_404(visible_contract(request, pk).supplements,
                                       pk=supplement_pk)
        services.supplement_confirm(supplement=supplement, actor=request.user,
                                    ip=client_ip(request))
        return contract_answer(request, pk)
