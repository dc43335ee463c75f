"""邀请招标 through the API: the qualification notice, applications, their review and the
random draw — one endpoint per operation, each calling its one service
(``services.invitations``). Refusals answer with their code and basis."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsForOrganizer, acting_organization
from accounts.selectors import is_supervisor
from core.apis import PlannedDateTimeField
from core.http import client_ip

from .. import services
from ..models import Prequalification, Project, QualificationApplication
from ..selectors import invitation_stage
from .notices import NoticeOutputSerializer, notice_answer
from .projects import visible_project

K = Organization.Kind


class QualificationFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()

    class Meta:
        ref_name = "QualificationFile"


class ApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    supplier = serializers.IntegerField(source="supplier_id")
    supplier_name = serializers.CharField(source="supplier.name")
    submitted_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=QualificationApplication.Status.choices)
    reason = serializers.CharField(help_text="Why not qualified (told to the applicant)")
    reviewed_at = serializers.DateTimeField(allow_null=True)
    files = QualificationFileSerializer(many=True)

    class Meta:
        ref_name = "QualificationApplication"


class QualificationNoticeApi(APIView):
    permission_classes = [ActsForOrganizer]

    class InputSerializer(serializers.Serializer):
        apply_until = PlannedDateTimeField(
            help_text="At least the notice period (5 working days) after publication")
        draw_count = serializers.IntegerField(
            min_value=1, max_value=50, help_text="Suppliers to be drawn: at least 3 (法 第34条)")

        class Meta:
            ref_name = "QualificationNotice"

    @extend_schema(request=InputSerializer, responses={201: NoticeOutputSerializer},
                   summary="Publish the qualification notice "
                   "(资格预审公告) of an approved invitational tender")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.qualification_notice_publish(
            project=project, actor=request.user, ip=client_ip(request),
            **serializer.validated_data)
        return notice_answer(notice)


def _applications_visible(request, pk):
    """The organiser and supervision see every application; a supplier its own."""
    org = request.organization
    project = get_object_or_404(Project, pk=pk, method=Project.Method.INVITED)
    qs = project.qualification_applications.select_related("supplier").prefetch_related(
        "files")
    if org is not None and (is_supervisor(org) or org.pk in (project.purchaser_id,
                                                              project.agency_id)):
        return qs
    if org is not None and org.kind == K.SUPPLIER:
        return qs.filter(supplier=org)
    return qs.none()


class QualificationApplicationListApi(APIView):
    """GET the applications (all to the organiser and supervision, one's own to a
    supplier); POST applies (multipart: ``files`` as file parts, ``declaration``)."""

    class InputSerializer(serializers.Serializer):
        files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
        declaration = serializers.BooleanField(
            help_text="The documents are true and the supplier meets 法 第22条")

        class Meta:
            ref_name = "QualificationApply"

    @extend_schema(responses=ApplicationOutputSerializer(many=True),
                   summary="Qualification applications of an invitational tender")
    def get(self, request, pk):
        return Response(ApplicationOutputSerializer(_applications_visible(request, pk),
                                                    many=True).data)

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: ApplicationOutputSerializer},
                   summary="Apply to be qualified, once, before the deadline (server clock)")
    def post(self, request, pk):
        acting_organization(request, K.SUPPLIER)
        pq = get_object_or_404(Prequalification.objects.select_related("project"),
                               project_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.qualification_apply(
            project=pq.project, supplier=request.organization, user=request.user,
            files=[services.Upload(f.name, f.read()) for f in data["files"]],
            declaration=data["declaration"], ip=client_ip(request))
        return Response(ApplicationOutputSerializer(application).data,
                        status=status.HTTP_201_CREATED)


class QualificationReviewApi(APIView):
    permission_classes = [ActsForOrganizer]

    class InputSerializer(serializers.Serializer):
        qualified = serializers.BooleanField()
        reason = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=500,
                                       help_text="Required when not qualified")

        class Meta:
            ref_name = "QualificationReview"

    @extend_schema(request=InputSerializer, responses=ApplicationOutputSerializer,
                   summary="Find an applicant qualified or not (after the deadline)")
    def post(self, request, pk):
        application = get_object_or_404(
            QualificationApplication.objects.filter(
                Q(project__purchaser=request.organization)
                | Q(project__agency=request.organization)), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.qualification_review(
            application=application, actor=request.user, ip=client_ip(request),
            **serializer.validated_data)
        return Response(ApplicationOutputSerializer(application).data)


class DrawOutputSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    seed = serializers.CharField(help_text="random.Random(seed).sample(pool, count) == drawn")
    pool = serializers.ListField(child=serializers.IntegerField(),
                                 help_text="Qualified suppliers' ids, ascending")
    drawn = serializers.ListField(child=serializers.IntegerField(),
                                  help_text="Suppliers drawn (ids), in drawing order")
    count = serializers.IntegerField()
    drawn_at = serializers.DateTimeField()

    class Meta:
        ref_name = "InvitationDraw"


class InvitationDrawApi(APIView):
    """GET the draw (the organiser and supervision); POST draws."""

    class InputSerializer(serializers.Serializer):
        count = serializers.IntegerField(min_value=1, max_value=50,
                                         help_text="At least 3 (法 第34条)")

        class Meta:
            ref_name = "InvitationDrawInput"

    @extend_schema(responses=DrawOutputSerializer, summary="The draw of the suppliers invited")
    def get(self, request, pk):
        project = visible_project(request, pk)
        draw = invitation_stage(project)["draw"]
        if draw is None:
            raise NotFound("No draw yet.")
        return Response(DrawOutputSerializer(draw).data)

    @extend_schema(request=InputSerializer, responses={201: DrawOutputSerializer},
                   summary="Draw the suppliers to invite at random from the qualified")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draw = services.invitation_draw(project=project, actor=request.user,
                                        ip=client_ip(request), **serializer.validated_data)
        return Response(DrawOutputSerializer(draw).data, status=status.HTTP_201_CREATED)
