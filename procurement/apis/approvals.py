"""The finance bureau's approvals of methods (法 第27条; 条例 第23条): the queue, one
request, the decision; and the purchaser's files for the method. One endpoint per
operation, each calling its one service."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForFinance, ActsForOrganizer
from core.http import client_ip

from .. import services
from ..models import MethodApproval, MethodAttachment
from ..selectors import method_approvals
from .projects import visible_project


class MethodApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField(source="project.code")
    project_title = serializers.CharField(source="project.title")
    purchaser = serializers.CharField(source="project.purchaser.name")
    kind = serializers.ChoiceField(choices=MethodApproval.Kind.choices)
    method = serializers.CharField()
    basis = serializers.CharField()
    reasons = serializers.CharField()
    requested_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MethodApproval.Status.choices)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    files = serializers.SerializerMethodField()

    class Meta:
        ref_name = "MethodApproval"

    def get_files(self, approval) -> list[dict]:
        return [{"id": f.pk, "name": f.name, "purpose": f.purpose, "sha256": f.sha256}
                for f in approval.project.method_attachments.all()]


class ApprovalListApi(APIView):
    permission_classes = [ActsForFinance]

    @extend_schema(responses=MethodApprovalSerializer(many=True),
                   summary="The finance bureau's queue: requests to approve a method "
                           "(?status=pending|approved|refused|all)")
    def get(self, request):
        wanted = request.query_params.get("status", "pending")
        qs = method_approvals(status=wanted if wanted in MethodApproval.Status.values
                              else None)
        return Response(MethodApprovalSerializer(qs, many=True).data)


class ApprovalDecideApi(APIView):
    permission_classes = [ActsForFinance]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["approve", "refuse"])
        reason = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="Required for a refusal: the purchaser "
                                                 "reads it")

        class Meta:
            ref_name = "MethodApprovalDecide"

    @extend_schema(request=InputSerializer, responses=MethodApprovalSerializer,
                   summary="Approve or refuse a method (法 第27条; 条例 第23条)")
    def post(self, request, pk):
        approval = get_object_or_404(method_approvals(status=None), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        approval = services.method_approval_decide(approval=approval, actor=request.user,
                                                   ip=client_ip(request),
                                                   **serializer.validated_data)
        return Response(MethodApprovalSerializer(approval).data)


class MethodAttachmentApi(APIView):
    """Multipart: ``upload`` is the file part (PDF or image)."""

    permission_classes = [ActsForOrganizer]

    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(choices=MethodAttachment.Purpose.choices)
        upload = serializers.FileField()

        class Meta:
            ref_name = "MethodAttachmentAdd"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: dict}, summary="Add a file for the method: the reasons, "
                                                  "or the experts' opinion of a single source")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        f = serializer.validated_data["upload"]
        record = services.method_attachment_add(
            project=project, actor=request.user, purpose=serializer.validated_data["purpose"],
            upload=services.Upload(f.name, f.read()), ip=client_ip(request))
        return Response({"id": record.pk, "name": record.name, "kind": record.kind,
                         "sha256": record.sha256}, status=status.HTTP_201_CREATED)
