"""Signing online, suspension during a challenge, publication and filing."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.http import client_ip

from .. import services
from .reading import (
    ActsForContractParty,
    ContractDetailSerializer,
    contract_answer,
    visible_contract,
)


class ContractSignApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        pdf_sha256 = serializers.CharField(
            max_length=64, help_text="The SHA-256 of the PDF you read (from the contract)")

        class Meta:
            ref_name = "ContractSign"

    @extend_schema(request=InputSerializer, responses=ContractDetailSerializer,
                   summary="Sign for the caller's organisation, bound to the SHA-256 of the "
                           "PDF read (a stale hash is refused)")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_sign(contract=contract, actor=request.user,
                               organization=request.organization, ip=client_ip(request),
                               **serializer.validated_data)
        return contract_answer(request, pk)


class ContractSuspendApi(APIView):
    permission_classes = [ActsForContractParty]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

        class Meta:
            ref_name = "ContractSuspend"

    @extend_schema(request=InputSerializer, responses=ContractDetailSerializer,
                   summary="Suspend signing during a challenge (条例 第54条): finance or the "
                           "purchaser")
    def post(self, request, pk):
        contract = visible_contract(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_signing_suspend(contract=contract, actor=request.user,
                                          organization=request.organization,
                                          ip=client_ip(request), **serializer.validated_data)
        return contract_answer(request, pk)


class ContractResumeApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(request=None, responses=ContractDetailSerializer,
                   summary="Resume suspended signing: finance or the purchaser")
    def post(self, request, pk):
        services.contract_signing_resume(contract=visible_contract(request, pk),
                                         actor=request.user, organization=request.organization,
                                         ip=client_ip(request))
        return contract_answer(request, pk)


class ContractPublishApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(request=None, responses=ContractDetailSerializer,
                   summary="Publish the signed contract without its trade secrets (条例 第50条)")
    def post(self, request, pk):
        services.contract_publish(contract=visible_contract(request, pk), actor=request.user,
                                  ip=client_ip(request))
        return contract_answer(request, pk)


class ContractFileApi(APIView):
    permission_classes = [ActsForContractParty]

    @extend_schema(request=None, responses=ContractDetailSerializer,
                   summary="File (备案) the signed contract (法 第47条)")
    def post(self, request, pk):
        services.contract_file(contract=visible_contract(request, pk), actor=request.user,
                               ip=client_ip(request))
        return contract_answer(request, pk)
