"""Budget lines and procurement intentions: the purchaser's planning."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForPurchaser
from core.apis import (
    PLANNED_DATE_HELP,
    PlannedDateField,
    PlausibleYearField,
    money_field,
    paginated,
)
from core.http import client_ip

from .. import services
from ..models import BudgetLine
from ..rules import budget_available
from ..selectors import budget_lines_of, intentions_of


class BudgetLineListApi(APIView):
    """GET the unit's budget lines; POST records one."""

    permission_classes = [ActsForPurchaser]

    class InputSerializer(serializers.Serializer):
        year = PlausibleYearField(help_text="The budget year: last year to two years ahead")
        code = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=200)
        amount = money_field()
        source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
        economic_class = serializers.CharField(max_length=20, required=False,
                                               allow_blank=True, default="")

        class Meta:
            ref_name = "BudgetLine"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        year = serializers.IntegerField()
        code = serializers.CharField()
        name = serializers.CharField()
        amount = serializers.DecimalField(max_digits=16, decimal_places=2)
        source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
        economic_class = serializers.CharField()
        available = serializers.SerializerMethodField(
            help_text="The amount not yet committed to live projects")

        class Meta:
            ref_name = "BudgetLine"

        def get_available(self, obj) -> str:
            return str(budget_available(obj))

    @extend_schema(responses=OutputSerializer(many=True), summary="The unit's budget lines")
    def get(self, request):
        return paginated(self, request, budget_lines_of(request.organization),
                         self.OutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   summary="Record a budget line")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.budget_line_create(purchaser=request.organization, actor=request.user,
                                           ip=client_ip(request), **serializer.validated_data)
        return Response(self.OutputSerializer(line).data, status=status.HTTP_201_CREATED)


class IntentionListApi(APIView):
    """GET the unit's procurement intentions; POST publishes one (财库〔2020〕10号)."""

    permission_classes = [ActsForPurchaser]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        summary = serializers.CharField()
        budget = money_field()
        expected_month = PlannedDateField(
            help_text=f"The month procurement is expected to start (its first day). "
                      f"{PLANNED_DATE_HELP}")

        class Meta:
            ref_name = "Intention"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        purchaser = serializers.CharField(source="purchaser.name")
        title = serializers.CharField()
        summary = serializers.CharField()
        budget = serializers.DecimalField(max_digits=16, decimal_places=2)
        expected_month = serializers.DateField()
        published_at = serializers.DateTimeField()

        class Meta:
            ref_name = "Intention"

    @extend_schema(responses=OutputSerializer(many=True), summary="The unit's intentions")
    def get(self, request):
        return paginated(self, request, intentions_of(request.organization),
                         self.OutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   summary="Publish a procurement intention (财库〔2020〕10号)")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intention = services.intention_publish(purchaser=request.organization,
                                               actor=request.user, ip=client_ip(request),
                                               **serializer.validated_data)
        return Response(self.OutputSerializer(intention).data,
                        status=status.HTTP_201_CREATED)
