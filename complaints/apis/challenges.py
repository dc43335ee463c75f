"""API of the challenges part: the windows, filing (multipart), the list and detail, the
thread, rejection, withdrawal, "may change the result", the answer. One view per step."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsForSupplier, acting_organization
from core.apis import paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip
from procurement.apis.fields import JSONPartList
from procurement.models import Lot, Project
from procurement.services.bidding import Upload

from ..filters_challenges import ChallengeFilterSet
from ..models import Challenge, Objection
from ..selectors_challenges import (
    challenge_detail,
    challenge_filterset,
    challenge_or_404,
    windows_for,
)
from ..services.challenges import (
    challenge_answer,
    challenge_file,
    challenge_mark_may_change_result,
    challenge_message_post,
    challenge_reject,
    challenge_withdraw,
)
from ..services.inquiries import ASKABLE
from .inquiries import ActsForAnyOrganization

JSON_PART = {"contentType": "application/json"}


class WindowSerializer(serializers.Serializer):
    trigger = serializers.CharField()
    stage = serializers.CharField()
    label = serializers.CharField()
    lot = serializers.IntegerField(source="lot.number", default=None)
    opened_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=["open", "closed", "not_yet"])
    standing = serializers.BooleanField()
    reason = serializers.CharField()
    basis = serializers.CharField()
    provisional = serializers.BooleanField()

    class Meta:
        ref_name = "ChallengeWindow"


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    relates_to = serializers.CharField()
    lot = serializers.IntegerField(source="lot.number", default=None)
    legal_ground = serializers.CharField()
    facts = serializers.CharField()
    remedy_requested = serializers.CharField()
    decision = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ChallengeObjection"


class ChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField(source="project.code")
    supplier = serializers.CharField(source="supplier.name")
    trigger = serializers.CharField()
    status = serializers.CharField()
    filed_at = serializers.DateTimeField()
    window_closes_at = serializers.DateTimeField()
    may_change_result = serializers.BooleanField()
    outcome = serializers.CharField()
    remedy = serializers.CharField()

    class Meta:
        ref_name = "Challenge"


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    party = serializers.IntegerField(source="party_id")
    author_org = serializers.CharField(source="author_org.name")
    body = serializers.CharField()
    at = serializers.DateTimeField()

    class Meta:
        ref_name = "ChallengeMessage"


class ThreadSerializer(serializers.Serializer):
    party = serializers.IntegerField(source="party.pk")
    party_name = serializers.CharField(source="party.name")
    messages = MessageSerializer(many=True)

    class Meta:
        ref_name = "ChallengeThread"


class ChallengeDetailSerializer(serializers.Serializer):
    challenge = ChallengeSerializer()
    role = serializers.CharField()
    objections = ObjectionSerializer(many=True)
    threads = ThreadSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField())
    answer_summary = serializers.CharField(source="challenge.answer_summary")
    reject_reason = serializers.CharField(source="challenge.reject_reason")
    reject_detail = serializers.CharField(source="challenge.reject_detail")
    suspended_at = serializers.DateTimeField(source="challenge.suspended_at", allow_null=True)
    resumed_at = serializers.DateTimeField(source="challenge.resumed_at", allow_null=True)
    answer_due_at = serializers.DateTimeField(source="clock.due_at", default=None)

    class Meta:
        ref_name = "ChallengeDetail"


def _detail(request, pk, code=status.HTTP_200_OK) -> Response:
    challenge = challenge_or_404(pk=pk, user=request.user, organization=request.organization)
    detail = challenge_detail(challenge, user=request.user, organization=request.organization)
    if detail["role"] == "party":  # another supplier concerned: not the facts argued
        for o in detail["objections"]:
            o.facts = ""
    return Response(ChallengeDetailSerializer(detail).data, status=code)


class ChallengeWindowsApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(responses=WindowSerializer(many=True),
                   summary="The caller's challenge windows on a project (法 第52条; 条例 "
                           "第53条): each trigger and stage, when it opened and closes, "
                           "and whether the caller has standing")
    def get(self, request, pk):
        project = get_object_or_404(Project.objects.filter(status__in=ASKABLE), pk=pk)
        return Response(WindowSerializer(windows_for(project=project,
                                                     organization=request.organization),
                                         many=True).data)


class ObjectionInputSerializer(serializers.Serializer):
    relates_to = serializers.ChoiceField(choices=Objection.RelatesTo.choices)
    lot = serializers.IntegerField(required=False, allow_null=True, default=None,
                                   help_text="The id of a lot of the project")
    legal_ground = serializers.CharField(max_length=5000)
    facts = serializers.CharField(max_length=5000)
    remedy_requested = serializers.CharField(max_length=5000)

    class Meta:
        ref_name = "ObjectionInput"
        list_serializer_class = JSONPartList


class ChallengeFileApi(APIView):
    """File a challenge. Multipart: ``files`` are file parts (evidence); ``objections`` is
    one part holding JSON (a list)."""

    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        trigger = serializers.ChoiceField(choices=Challenge.Trigger.choices)
        # Not required by the serializer: the service refuses a challenge without
        # objections with its own code (no_objections), as it does an empty list.
        objections = ObjectionInputSerializer(
            many=True, required=False, default=list,
            help_text="The objections, at least one: a JSON part (a list)")
        contact_name = serializers.CharField(max_length=50)
        contact_phone = serializers.CharField(max_length=30)
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      default=list)

        class Meta:
            ref_name = "ChallengeFile"

    @extend_schema(
        request={"multipart/form-data": OpenApiRequest(InputSerializer,
                                                       encoding={"objections": JSON_PART})},
        responses={201: ChallengeDetailSerializer, 200: ChallengeDetailSerializer},
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="Any unique string per challenge. A retry with the same key "
                        "answers with the first challenge instead of filing a second.")],
        summary="File a challenge (质疑) in its window; refused late or without standing")
    def post(self, request, pk):
        project = get_object_or_404(Project.objects.filter(status__in=ASKABLE), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lots = {lot.pk: lot for lot in Lot.objects.filter(project=project)}
        objections = [{**o, "lot": lots.get(o["lot"], o["lot"])} for o in data.pop(
            "objections")]
        challenge = challenge_file(
            project=project, supplier=request.organization, user=request.user,
            objections=objections,
            files=[Upload(f.name, f.read()) for f in data.pop("files")],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
            ip=client_ip(request), **data)
        if getattr(challenge, "replayed", False):
            # A retry of a request already served: the first challenge, not a new one.
            response = _detail(request, challenge.pk)
            response["Idempotent-Replayed"] = "true"
            return response
        return _detail(request, challenge.pk, status.HTTP_201_CREATED)


class ChallengeListApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=ChallengeSerializer(many=True),
                   parameters=openapi_parameters(ChallengeFilterSet),
                   summary="Challenges the caller sees: its own and those it is a party to "
                           "(supplier), about its projects (purchaser, agency), all "
                           "(finance bureau)")
    def get(self, request):
        filterset = challenge_filterset(user=request.user,
                                        organization=acting_organization(request),
                                        filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, ChallengeSerializer)


class ChallengeDetailApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=ChallengeDetailSerializer,
                   summary="One challenge: objections, the caller's threads, its actions")
    def get(self, request, pk):
        return _detail(request, pk)


class ChallengeMessageApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)
        party = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="The reviewer names the party's organisation id; a supplier writes "
                      "in its own thread")

        class Meta:
            ref_name = "ChallengeMessagePost"

    @extend_schema(request=InputSerializer, responses={201: ChallengeDetailSerializer},
                   summary="Post in the thread between the reviewer and one party")
    def post(self, request, pk):
        challenge = challenge_or_404(pk=pk, user=request.user,
                                     organization=request.organization)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        party = serializer.validated_data["party"]
        challenge_message_post(
            challenge=challenge, user=request.user, organization=request.organization,
            body=serializer.validated_data["body"], ip=client_ip(request),
            party=Organization.objects.filter(pk=party).first() if party else None)
        return _detail(request, pk, status.HTTP_201_CREATED)


class ChallengeRejectApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Challenge.RejectReason.choices)
        detail = serializers.CharField(max_length=5000)

        class Meta:
            ref_name = "ChallengeReject"

    @extend_schema(request=InputSerializer, responses=ChallengeDetailSerializer,
                   summary="Reject the challenge for a typed reason: the purchaser or agency")
    def post(self, request, pk):
        challenge = challenge_or_404(pk=pk, user=request.user,
                                     organization=request.organization)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge_reject(challenge=challenge, user=request.user,
                         organization=request.organization, ip=client_ip(request),
                         **serializer.validated_data)
        return _detail(request, pk)


class ChallengeWithdrawApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(request=None, responses=ChallengeDetailSerializer,
                   summary="Withdraw the caller's challenge")
    def post(self, request, pk):
        challenge = challenge_or_404(pk=pk, user=request.user,
                                     organization=request.organization)
        challenge_withdraw(challenge=challenge, user=request.user,
                           organization=request.organization, ip=client_ip(request))
        return _detail(request, pk)


class ChallengeMayChangeResultApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(request=None, responses=ChallengeDetailSerializer,
                   summary="Mark that the challenge may change the result: signing of the "
                           "project's unsigned contracts is suspended (条例 第54条)")
    def post(self, request, pk):
        challenge = challenge_or_404(pk=pk, user=request.user,
                                     organization=request.organization)
        challenge_mark_may_change_result(challenge=challenge, user=request.user,
                                         organization=request.organization,
                                         ip=client_ip(request))
        return _detail(request, pk)


class AnswerItemSerializer(serializers.Serializer):
    objection = serializers.IntegerField(help_text="The objection's id")
    decision = serializers.ChoiceField(choices=Objection.Decision.choices)
    answer = serializers.CharField(max_length=5000)

    class Meta:
        ref_name = "ChallengeAnswerItem"


class ChallengeAnswerApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        answers = AnswerItemSerializer(many=True)
        summary = serializers.CharField(max_length=5000)
        remedy = serializers.ChoiceField(choices=Challenge.Remedy.choices)

        class Meta:
            ref_name = "ChallengeAnswer"

    @extend_schema(request=InputSerializer, responses=ChallengeDetailSerializer,
                   summary="Answer every objection in writing (法 第53条); copied to the "
                           "suppliers concerned and published")
    def post(self, request, pk):
        challenge = challenge_or_404(pk=pk, user=request.user,
                                     organization=request.organization)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge_answer(challenge=challenge, user=request.user,
                         organization=request.organization, ip=client_ip(request),
                         **serializer.validated_data)
        return _detail(request, pk)


urlpatterns = [
    path("projects/<int:pk>/challenge-windows/", ChallengeWindowsApi.as_view(),
         name="challenge-windows"),
    path("projects/<int:pk>/challenges/", ChallengeFileApi.as_view(), name="challenge-file"),
    path("challenges/", ChallengeListApi.as_view(), name="challenge-list"),
    path("challenges/<int:pk>/", ChallengeDetailApi.as_view(), name="challenge-detail"),
    path("challenges/<int:pk>/messages/", ChallengeMessageApi.as_view(),
         name="challenge-messages"),
    path("challenges/<int:pk>/reject/", ChallengeRejectApi.as_view(), name="challenge-reject"),
    path("challenges/<int:pk>/withdraw/", ChallengeWithdrawApi.as_view(),
         name="challenge-withdraw"),
    path("challenges/<int:pk>/may-change-result/", ChallengeMayChangeResultApi.as_view(),
         name="challenge-may-change-result"),
    path("challenges/<int:pk>/answer/", ChallengeAnswerApi.as_view(),
         name="challenge-answer"),
]
