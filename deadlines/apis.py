import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForFinance
from core.apis import paginated
from core.validators import ID_MAX

from . import services, steps
from .models import Deadline
from .selectors import countdown, deadline_filter, deadlines_visible_to, timeliness_ranking


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField(source="subject_repr")
    subject_type = serializers.CharField(source="subject_type.model")
    subject_id = serializers.CharField()
    clock = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    amount = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    basis = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    actions = serializers.SerializerMethodField(
        help_text="The status steps a person may ask for now (deadlines.steps.DEADLINE): "
                  "waive, while the clock runs — taken by the finance bureau's "
                  "administrators and leaders")
    met_at = serializers.DateTimeField(allow_null=True)
    provisional = serializers.BooleanField()
    paused = serializers.SerializerMethodField()
    workdays_left = serializers.SerializerMethodField()

    def get_actions(self, obj) -> list[str]:
        return steps.manual_actions(obj)

    def get_paused(self, obj) -> bool:
        return obj.paused_at is not None

    def get_workdays_left(self, obj) -> int:
        return countdown(obj).workdays


class DeadlineListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["", "running", *Deadline.Status.values],
                                         required=False, default="")
        clock = serializers.CharField(required=False, default="", allow_blank=True,
                                      max_length=60)
        # Bounded like the ids it names: out of range was a server error on SQLite.
        organization = serializers.IntegerField(required=False, default=None, min_value=1,
                                                max_value=ID_MAX)
        provisional = serializers.BooleanField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=DeadlineSerializer(many=True),
                   summary="Statutory deadlines: the caller's organisation, or all for the "
                           "finance bureau")
    def get(self, request):
        f = self.FilterSerializer(data=request.query_params)
        f.is_valid(raise_exception=True)
        qs = deadlines_visible_to(user=request.user, organization=request.organization)
        qs = deadline_filter(qs, status=f.validated_data["status"],
                             clock=f.validated_data["clock"],
                             organization_id=f.validated_data["organization"],
                             provisional=f.validated_data.get("provisional"))
        qs = qs.select_related("subject_type").order_by("due_at")
        return paginated(self, request, qs, DeadlineSerializer)


class DeadlineDetailApi(APIView):
    @extend_schema(responses=DeadlineSerializer, summary="One deadline (404 outside scope)")
    def get(self, request, pk):
        qs = deadlines_visible_to(user=request.user, organization=request.organization)
        return Response(DeadlineSerializer(get_object_or_404(qs, pk=pk)).data)


class DeadlineWaiveApi(APIView):
    class DeadlineWaiveInputSerializer(serializers.Serializer):
        reason = serializers.CharField(min_length=5, max_length=2000)

    @extend_schema(request=DeadlineWaiveInputSerializer, responses=DeadlineSerializer,
                   summary="Waive a running clock, with reason (finance bureau)")
    def post(self, request, pk):
        qs = deadlines_visible_to(user=request.user, organization=request.organization)
        deadline = get_object_or_404(qs, pk=pk)
        data = self.DeadlineWaiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = services.deadline_waive(deadline=deadline, actor=request.user,
                                           organization=request.organization,
                                           reason=data.validated_data["reason"])
        return Response(DeadlineSerializer(deadline).data)


class RankingRowSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    total = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    running_overdue = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    mean_lateness_hours = serializers.FloatField(allow_null=True)


class RankingApi(APIView):
    permission_classes = [ActsForFinance]  # 404 for everyone but the finance bureau

    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
        clock = serializers.CharField(required=False, default="", allow_blank=True,
                                      max_length=60)

    @extend_schema(parameters=[FilterSerializer], responses=RankingRowSerializer(many=True),
                   summary="Timeliness ranking of organisations (指标完成情况排名)")
    def get(self, request):
        f = self.FilterSerializer(data=request.query_params)
        f.is_valid(raise_exception=True)
        since = until = None
        if "year" in f.validated_data:
            tz = timezone.get_current_timezone()
            since = dt.datetime(f.validated_data["year"], 1, 1, tzinfo=tz)
            until = dt.datetime(f.validated_data["year"] + 1, 1, 1, tzinfo=tz)
        rows = timeliness_ranking(since=since, until=until, clock=f.validated_data["clock"])
        return Response(RankingRowSerializer(rows, many=True).data)
