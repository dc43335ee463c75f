"""API of the complaints part: one view per step of a complaint, its reads, and the
public decisions."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsFor, ActsForFinance, ActsForSupplier, acting_organization
from core.http import client_ip

from ..models import Challenge, Complaint
from ..selectors_complaints import complaint_detail, complaints_visible_to, decisions_public
from ..services import complaints as svc

K = Organization.Kind


class ActsForComplaintParty(ActsFor):
    allowed_kinds = (K.SUPPLIER, K.PURCHASER, K.AGENCY, K.CENTRAL_AGENCY, K.FINANCE)


def visible_complaint(request, pk) -> Complaint:
    org = acting_organization(request, *ActsForComplaintParty.allowed_kinds)
    return get_object_or_404(complaints_visible_to(user=request.user, organization=org),
                             pk=pk)


def _uploads(files):
    return [svc.Upload(f.name, f.read()) for f in files or ()]


class ClockSerializer(serializers.Serializer):
    clock = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    paused_at = serializers.DateTimeField(allow_null=True)
    provisional = serializers.BooleanField()
    basis = serializers.CharField()


class PauseSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class MatterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    relates_to = serializers.CharField()
    facts = serializers.CharField()
    decision = serializers.CharField()
    answer = serializers.CharField()


class ComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    channel = serializers.CharField()
    challenge = serializers.CharField(source="challenge.number")
    project_code = serializers.CharField(source="challenge.project.code")
    project_title = serializers.CharField(source="challenge.project.title")
    complainant = serializers.CharField(source="complainant.name")
    request = serializers.CharField()
    facts = serializers.CharField()
    filed_at = serializers.DateTimeField()
    correction_request = serializers.CharField()
    correction_requested_at = serializers.DateTimeField(allow_null=True)
    corrected_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    reject_reason = serializers.CharField()
    procurement_suspended_at = serializers.DateTimeField(allow_null=True)
    procurement_suspended_until = serializers.DateTimeField(allow_null=True)
    procurement_resumed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    decision_text = serializers.CharField()
    decision_basis = serializers.CharField()
    false_materials = serializers.BooleanField()
    malicious = serializers.BooleanField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_sha256 = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(source="reply_text")
    organization = serializers.CharField(source="reply_organization.name")
    replied_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ComplaintReply"


class ComplaintDetailSerializer(serializers.Serializer):
    complaint = ComplaintSerializer()
    matters = MatterSerializer(many=True)
    clocks = serializers.SerializerMethodField()
    pauses = PauseSerializer(many=True)
    documents = DocumentSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField())
    window_closes_at = serializers.DateTimeField(source="window.closes_at")
    reply = serializers.SerializerMethodField(
        help_text="The respondent's written reply (94号令 第22条): for the finance bureau "
                  "and the respondents only; null until given")

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, detail) -> dict | None:
        if not detail.sees_reply or detail.complaint.replied_at is None:
            return None
        return ReplySerializer(detail.complaint).data

    def get_clocks(self, detail) -> list[dict]:
        return ClockSerializer([row["deadline"] for row in detail.clocks], many=True).data

    class Meta:
        ref_name = "ComplaintDetail"


def answer(request, pk, status=200):
    complaint = visible_complaint(request, pk)
    detail = complaint_detail(complaint, organization=request.organization)
    return Response(ComplaintDetailSerializer(detail).data, status=status)


# --- reads -------------------------------------------------------------------------------------

class ComplaintListApi(APIView):
    permission_classes = [ActsForComplaintParty]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Complaint.Status.choices, required=False,
                                         allow_blank=True)
        q = serializers.CharField(required=False, max_length=100, allow_blank=True)

    @extend_schema(parameters=[FilterSerializer], responses=ComplaintSerializer(many=True),
                   summary="Complaints: the complainant's own, those about the caller's "
                           "projects, or all (the finance bureau's queue)")
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = complaints_visible_to(user=request.user, organization=request.organization,
                                     filters=filters.validated_data)[:200]
        return Response(ComplaintSerializer(rows, many=True).data)


class ComplaintDetailApi(APIView):
    permission_classes = [ActsForComplaintParty]

    @extend_schema(responses=ComplaintDetailSerializer,
                   summary="A complaint with its clocks, pauses, files and allowed steps")
    def get(self, request, pk):
        return answer(request, pk)


# --- filing -------------------------------------------------------------------------------------

class ComplaintFileApi(APIView):
    permission_classes = [ActsForSupplier]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        challenge = serializers.IntegerField(help_text="The challenge complained of (its id)")
        matters = serializers.ListField(child=serializers.IntegerField(), min_length=1,
                                        help_text="Ids of the challenge's objections")
        request = serializers.CharField()
        facts = serializers.CharField()
        files = serializers.ListField(child=serializers.FileField(), required=False)

        class Meta:
            ref_name = "ComplaintFile"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: ComplaintDetailSerializer},
                   summary="File a complaint on matters of the caller's challenge "
                           "(法 第55条: within 15 WD after the answer's deadline)")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        challenge = get_object_or_404(Challenge, pk=data["challenge"],
                                      supplier=request.organization)
        complaint = svc.complaint_file(
            challenge=challenge, complainant=request.organization, user=request.user,
            matters=data["matters"], request=data["request"], facts=data["facts"],
            files=_uploads(data.get("files")), ip=client_ip(request))
        return answer(request, complaint.pk, status=201)


class ComplaintRegisterOfflineApi(APIView):
    permission_classes = [ActsForFinance]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        challenge = serializers.IntegerField()
        matters = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        request = serializers.CharField()
        facts = serializers.CharField()
        filed_at = serializers.DateTimeField(required=False,
                                             help_text="When the paper complaint was received")
        original = serializers.FileField(help_text="Scan of the paper complaint")
        files = serializers.ListField(child=serializers.FileField(), required=False)

        class Meta:
            ref_name = "ComplaintRegisterOffline"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: ComplaintDetailSerializer},
                   summary="Register a complaint received on paper or in person, with its scan "
                           "(finance bureau)")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        challenge = get_object_or_404(Challenge, pk=data["challenge"])
        original = data["original"]
        complaint = svc.complaint_register_offline(
            challenge=challenge, user=request.user, organization=request.organization,
            matters=data["matters"], request=data["request"], facts=data["facts"],
            original=svc.Upload(original.name, original.read()),
            files=_uploads(data.get("files")), filed_at=data.get("filed_at"),
            ip=client_ip(request))
        return answer(request, complaint.pk, status=201)


# --- steps ---------------------------------------------------------------------------------------

class _Step(APIView):
    permission_classes = [ActsForComplaintParty]
    InputSerializer = None

    def call(self, request, complaint, data):  # pragma: no cover - each step defines it
        raise NotImplementedError

    def post(self, request, pk):
        complaint = visible_complaint(request, pk)
        data = {}
        if self.InputSerializer is not None:
            serializer = self.InputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.call(request, complaint, data)
        return answer(request, pk)


def _common(request, complaint):
    return {"complaint": complaint, "user": request.user, "ip": client_ip(request),
            "organization": request.organization}


class ComplaintRequestCorrectionApi(_Step):
    class InputSerializer(serializers.Serializer):
        request = serializers.CharField(help_text="What must be corrected")

        class Meta:
            ref_name = "ComplaintRequestCorrection"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="Request corrections, once (94号令 第21条): the review clock pauses")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_request_correction(request=data["request"], **_common(request, complaint))


class ComplaintCorrectApi(_Step):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        request = serializers.CharField(required=False, allow_blank=True)
        facts = serializers.CharField(required=False, allow_blank=True)
        files = serializers.ListField(child=serializers.FileField(), required=False)

        class Meta:
            ref_name = "ComplaintCorrect"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses=ComplaintDetailSerializer,
                   summary="The complainant corrects: the review clock runs again")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_correct(request=data.get("request", ""), facts=data.get("facts", ""),
                              files=_uploads(data.get("files")), **_common(request, complaint))


class ComplaintAcceptApi(_Step):
    @extend_schema(request=None, responses=ComplaintDetailSerializer,
                   summary="Accept (受理): the decision clock starts (30 WD from receipt)")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_accept(**_common(request, complaint))


class _ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ComplaintRejectApi(_Step):
    class InputSerializer(_ReasonSerializer):
        class Meta:
            ref_name = "ComplaintReject"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="Do not accept (不予受理), with the reason")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_reject(reason=data["reason"], **_common(request, complaint))


class ComplaintWithdrawApi(_Step):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "ComplaintWithdraw"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="The complainant withdraws (94号令 第27条)")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_withdraw(reason=data.get("reason", ""), **_common(request, complaint))


class ComplaintPauseApi(_Step):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["testing", "expert_review"])
        reason = serializers.CharField()

        class Meta:
            ref_name = "ComplaintPause"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="Pause the decision clock for testing or expert review (条例 第58条)")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_pause(kind=data["kind"], reason=data["reason"],
                            **_common(request, complaint))


class ComplaintResumeApi(_Step):
    @extend_schema(request=None, responses=ComplaintDetailSerializer,
                   summary="Resume the decision clock")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_resume(**_common(request, complaint))


class ComplaintSuspendProcurementApi(_Step):
    class InputSerializer(serializers.Serializer):
        days = serializers.IntegerField(min_value=1, help_text="At most 30 (法 第57条)")
        reason = serializers.CharField()

        class Meta:
            ref_name = "ComplaintSuspendProcurement"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="Suspend the procurement during the complaint (法 第57条)")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_suspend_procurement(days=data["days"], reason=data["reason"],
                                          **_common(request, complaint))


class ComplaintResumeProcurementApi(_Step):
    @extend_schema(request=None, responses=ComplaintDetailSerializer,
                   summary="Resume the suspended procurement")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_resume_procurement(**_common(request, complaint))


class ComplaintDecideApi(_Step):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Complaint.Outcome.choices)
        decision_text = serializers.CharField()
        decision_basis = serializers.CharField(max_length=300)
        false_materials = serializers.BooleanField(default=False)
        malicious = serializers.BooleanField(default=False)

        class Meta:
            ref_name = "ComplaintDecide"

    @extend_schema(request=InputSerializer, responses=ComplaintDetailSerializer,
                   summary="Decide (法 第56条): the decision PDF, served and published")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_decide(**data, **_common(request, complaint))


class ComplaintReplyApi(_Step):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(help_text="The explanation of the matters complained of")
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      help_text="Evidence, grounds and other materials")

        class Meta:
            ref_name = "ComplaintReplyInput"

    @extend_schema(request={"multipart/form-data": InputSerializer,
                            "application/json": InputSerializer},
                   responses=ComplaintDetailSerializer,
                   summary="The respondent (the project's purchaser or agency) replies in "
                           "writing with its evidence, once, within 5 WD of the copy "
                           "(94号令 第22条)")
    def post(self, request, pk):
        return super().post(request, pk)

    def call(self, request, complaint, data):
        svc.complaint_reply(text=data["text"], files=_uploads(data.get("files")),
                            **_common(request, complaint))


# --- public ---------------------------------------------------------------------------

class PublicDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    project_code = serializers.CharField(source="challenge.project.code")
    project_title = serializers.CharField(source="challenge.project.title")
    complainant = serializers.CharField(source="complainant.name")
    purchaser = serializers.CharField(source="challenge.project.purchaser.name")
    outcome = serializers.CharField()
    decision_text = serializers.CharField()
    decision_basis = serializers.CharField()
    decided_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    decision_sha256 = serializers.CharField()
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, complaint) -> str:
        return reverse("complaints:complaint-decision-pdf", args=[complaint.pk])

    class Meta:
        ref_name = "ComplaintDecisionPublic"


class PublicDecisionListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicDecisionSerializer(many=True),
                   summary="Published complaint decisions (public)")
    def get(self, request):
        return Response(PublicDecisionSerializer(decisions_public()[:200], many=True).data)


class PublicDecisionDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicDecisionSerializer,
                   summary="One published complaint decision (public)")
    def get(self, request, pk):
        complaint = decisions_public().filter(pk=pk).first()
        if complaint is None:
            raise Http404
        return Response(PublicDecisionSerializer(complaint).data)


urlpatterns = [
    path("complaints/", ComplaintListApi.as_view(), name="complaint-list"),
    path("complaints/file/", ComplaintFileApi.as_view(), name="complaint-file"),
    path("complaints/register-offline/", ComplaintRegisterOfflineApi.as_view(),
         name="complaint-register-offline"),
    path("complaints/<int:pk>/", ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<int:pk>/request-correction/", ComplaintRequestCorrectionApi.as_view(),
         name="complaint-request-correction"),
    path("complaints/<int:pk>/correct/", ComplaintCorrectApi.as_view(),
         name="complaint-correct"),
    path("complaints/<int:pk>/accept/", ComplaintAcceptApi.as_view(), name="complaint-accept"),
    path("complaints/<int:pk>/reject/", ComplaintRejectApi.as_view(), name="complaint-reject"),
    path("complaints/<int:pk>/withdraw/", ComplaintWithdrawApi.as_view(),
         name="complaint-withdraw"),
    path("complaints/<int:pk>/pause/", ComplaintPauseApi.as_view(), name="complaint-pause"),
    path("complaints/<int:pk>/resume/", ComplaintResumeApi.as_view(), name="complaint-resume"),
    path("complaints/<int:pk>/suspend-procurement/", ComplaintSuspendProcurementApi.as_view(),
         name="complaint-suspend-procurement"),
    path("complaints/<int:pk>/resume-procurement/", ComplaintResumeProcurementApi.as_view(),
         name="complaint-resume-procurement"),
    path("complaints/<int:pk>/decide/", ComplaintDecideApi.as_view(), name="complaint-decide"),
    path("complaints/<int:pk>/reply/", ComplaintReplyApi.as_view(), name="complaint-reply"),
    path("complaint-decisions/", PublicDecisionListApi.as_view(),
         name="complaint-decision-list"),
    path("complaint-decisions/<int:pk>/", PublicDecisionDetailApi.as_view(),
         name="complaint-decision-detail"),
]
