"""Announcements: the tender announcement and its clarifications, and the public notices
(101号令) that everyone may read."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.apis import PlannedDateTimeField, paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip

from .. import services
from ..filters import NoticeFilterSet
from ..models import Announcement, DemandItem, Lot
from ..selectors import notice_filterset, public_notices
from .projects import visible_project


class NoticeLotItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Price it by this id (bids' unit_prices)")
    name = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()

    class Meta:
        ref_name = "NoticeLotItem"


class NoticeLotSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Bid for this lot at /api/lots/{id}/bids/")
    number = serializers.IntegerField()
    title = serializers.CharField()
    items = NoticeLotItemSerializer(many=True)

    class Meta:
        ref_name = "NoticeLot"


class NoticeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Announcement.Kind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    fields = serializers.JSONField()
    published_at = serializers.DateTimeField()
    project_code = serializers.CharField(source="project.code")
    purchaser = serializers.CharField(source="project.purchaser.name")
    moves_deadline_to = serializers.DateTimeField(allow_null=True)
    lots = NoticeLotSerializer(many=True, source="project.lots",
                               help_text="The project's lots and their items, with the ids "
                                         "a bid names")

    class Meta:
        ref_name = "Notice"


def _with_lots(queryset):
    return queryset.prefetch_related(Prefetch(
        "project__lots", queryset=Lot.objects.order_by("number").prefetch_related(
            Prefetch("items", queryset=DemandItem.objects.order_by("pk")))))


def notice_answer(notice: Announcement) -> Response:
    return Response(NoticeOutputSerializer(notice).data, status=status.HTTP_201_CREATED)


class ProjectAnnounceApi(APIView):
    class InputSerializer(serializers.Serializer):
        documents_from = PlannedDateTimeField()
        documents_until = PlannedDateTimeField()
        bid_deadline = PlannedDateTimeField(
            help_text="Also the opening time: the lots open then, by the server clock")

        class Meta:
            ref_name = "ProjectAnnounce"

    @extend_schema(request=InputSerializer, responses={201: NoticeOutputSerializer},
                   summary="Publish the tender announcement (periods checked)")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.project_announce(project=project, actor=request.user,
                                           ip=client_ip(request), **serializer.validated_data)
        return notice_answer(notice)


class ProjectClarifyApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField()
        affects_bids = serializers.BooleanField(
            help_text="If so and fewer than 15 days remain, the deadline moves (87号令 第27条)")

        class Meta:
            ref_name = "ProjectClarify"

    @extend_schema(request=InputSerializer, responses={201: NoticeOutputSerializer},
                   summary="Publish a clarification; may move the deadline (87号令 27)")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.announcement_clarify(project=project, actor=request.user,
                                               ip=client_ip(request),
                                               **serializer.validated_data)
        return notice_answer(notice)


class NoticeListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=NoticeOutputSerializer(many=True), auth=[],
                   parameters=openapi_parameters(NoticeFilterSet, {
                       "published_from": "(a day, inclusive)",
                       "published_to": "(a day, inclusive)"}),
                   summary="Public procurement notices (101号令)")
    def get(self, request):
        filterset = notice_filterset(filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, _with_lots(filterset.qs), NoticeOutputSerializer)


class NoticeDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=NoticeOutputSerializer, auth=[], summary="One public notice")
    def get(self, request, pk):
        notice = get_object_or_404(_with_lots(public_notices()), pk=pk)
        return Response(NoticeOutputSerializer(notice).data)
