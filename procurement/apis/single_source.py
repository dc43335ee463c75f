"""单一来源 (条例 第38条; 74号令): objections to the publicity and their decisions, the
panel's negotiation record and signatures. One endpoint per operation."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForSupplier
from core.apis import money_field
from core.http import client_ip

from .. import services
from ..models import CommitteeMember, Lot, Objection, Project
from ..selectors import projects_visible_to, single_source_publicities
from .approvals import MethodApprovalSerializer


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    supplier = serializers.CharField(source="supplier.name")
    filed_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    status = serializers.ChoiceField(choices=Objection.Status.choices)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()

    class Meta:
        ref_name = "Objection"


class ObjectionFileApi(APIView):
    """Multipart: ``attachment`` is an optional file part (PDF or image)."""

    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        reasons = serializers.CharField()
        attachment = serializers.FileField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "ObjectionFile"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: ObjectionSerializer},
                   summary="Object to a single source while its publicity runs (条例 第38条)")
    def post(self, request, pk):
        project = get_object_or_404(single_source_publicities(), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        f = serializer.validated_data["attachment"]
        objection = services.objection_file(
            project=project, supplier=request.organization, actor=request.user,
            reasons=serializer.validated_data["reasons"],
            attachment=services.Upload(f.name, f.read()) if f else None,
            ip=client_ip(request))
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ObjectionDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[Objection.Status.UPHELD,
                                                    Objection.Status.DISMISSED])
        reason = serializers.CharField(help_text="The written decision: the objector reads it")

        class Meta:
            ref_name = "ObjectionDecide"

    @extend_schema(request=InputSerializer, responses=ObjectionSerializer,
                   summary="Decide an objection in writing; upheld, the single source stops")
    def post(self, request, pk):
        objection = get_object_or_404(Objection.objects.filter(
            project__in=projects_visible_to(organization=request.organization)), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = services.objection_decide(objection=objection, actor=request.user,
                                              ip=client_ip(request),
                                              **serializer.validated_data)
        return Response(ObjectionSerializer(objection).data)


class SingleSourceReportApi(APIView):
    @extend_schema(request=None, responses={201: MethodApprovalSerializer},
                   summary="Report the single source to the finance bureau after its "
                           "publicity, with the outcome (条例 第38条)")
    def post(self, request, pk):
        project = get_object_or_404(projects_visible_to(organization=request.organization),
                                    pk=pk, method=Project.Method.SINGLE_SOURCE)
        approval = services.single_source_report(project=project, actor=request.user,
                                                 ip=client_ip(request))
        return Response(MethodApprovalSerializer(approval).data,
                        status=status.HTTP_201_CREATED)


class SingleSourceNegotiationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    points = serializers.CharField()
    agreed_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    sealed_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    recorded_at = serializers.DateTimeField()
    concluded_at = serializers.DateTimeField(allow_null=True)
    signatures = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SingleSourceNegotiation"

    def get_signatures(self, negotiation) -> list[dict]:
        return [{"expert": s.expert.display_name, "signed_at": s.signed_at,
                 "dissent": s.dissent} for s in negotiation.signatures.select_related("expert")]


def _panel_lot(request, pk) -> Lot:
    """A single-source lot, for its panel's members and those who see the project."""
    lot = get_object_or_404(Lot, pk=pk, project__method=Project.Method.SINGLE_SOURCE)
    if not (CommitteeMember.objects.filter(committee__lot=lot, expert=request.user).exists()
            or projects_visible_to(organization=request.organization).filter(
                pk=lot.project_id).exists()):
        raise Http404
    return lot


class SingleSourceNegotiationApi(APIView):
    class InputSerializer(serializers.Serializer):
        points = serializers.CharField()
        agreed_price = money_field()

        class Meta:
            ref_name = "SingleSourceNegotiationRecord"

    @extend_schema(responses=SingleSourceNegotiationSerializer, summary="The negotiation record")
    def get(self, request, pk):
        lot = _panel_lot(request, pk)
        if not hasattr(lot, "single_source_negotiation"):
            raise Http404
        return Response(SingleSourceNegotiationSerializer(lot.single_source_negotiation).data)

    @extend_schema(request=InputSerializer, responses=SingleSourceNegotiationSerializer,
                   summary="The chair writes the record: points and the agreed price within "
                           "the budget (74号令 第42–43条)")
    def post(self, request, pk):
        lot = _panel_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        negotiation = services.single_source_negotiate(lot=lot, actor=request.user,
                                                  ip=client_ip(request),
                                                  **serializer.validated_data)
        return Response(SingleSourceNegotiationSerializer(negotiation).data)


class SingleSourceSignApi(APIView):
    class InputSerializer(serializers.Serializer):
        dissent = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "SingleSourceSign"

    @extend_schema(request=InputSerializer, responses={201: SingleSourceNegotiationSerializer},
                   summary="A member of the panel signs the record (74号令 第42条)")
    def post(self, request, pk):
        lot = _panel_lot(request, pk)
        if not hasattr(lot, "single_source_negotiation"):
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.single_source_sign(negotiation=lot.single_source_negotiation, expert=request.user,
                                  ip=client_ip(request), **serializer.validated_data)
        lot.single_source_negotiation.refresh_from_db()
        return Response(SingleSourceNegotiationSerializer(lot.single_source_negotiation).data,
                        status=status.HTTP_201_CREATED)
