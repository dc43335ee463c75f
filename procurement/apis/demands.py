"""Demands and their fair-competition check (春风行动 第1–4条)."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.apis import StrictDecimalField, paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip

from .. import services
from ..filters import DemandFilterSet
from ..models import BudgetLine, Demand, EvaluationCriterion, FairnessFinding, ProcurementIntention
from ..selectors import demand_filterset, demands_visible_to

POSITIVE = Decimal("0.01")


class DemandItemSerializer(serializers.Serializer):
    """One item of a demand, in and out (the service takes the same keys)."""

    name = serializers.CharField(max_length=200)
    catalog_code = serializers.CharField(max_length=20, source="catalog_item_id")
    quantity = StrictDecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE)
    unit = serializers.CharField(max_length=20)
    specification = serializers.CharField(required=False, allow_blank=True, default="")
    is_core = serializers.BooleanField(required=False, default=False)

    class Meta:
        ref_name = "DemandItem"


class CriterionSerializer(serializers.Serializer):
    """One scoring factor (87号令 第55条), in and out."""

    kind = serializers.ChoiceField(choices=EvaluationCriterion.Kind.choices)
    name = serializers.CharField(max_length=200)
    weight = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                max_value=Decimal("100"))
    description = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "Criterion"


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    severity = serializers.CharField()
    topic = serializers.CharField()
    field = serializers.CharField()
    excerpt = serializers.CharField()
    message = serializers.CharField()
    basis = serializers.CharField()
    justification = serializers.CharField()
    overridden_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Finding"


class DemandOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=Demand.Category.choices)
    budget_line = serializers.IntegerField(source="budget_line_id", allow_null=True)
    intention = serializers.IntegerField(source="intention_id", allow_null=True)
    technical_requirements = serializers.CharField()
    commercial_requirements = serializers.CharField()
    qualification_conditions = serializers.CharField()
    evaluation_method = serializers.ChoiceField(choices=Demand.Method.choices)
    tie_break = serializers.ChoiceField(choices=Demand.TieBreak.choices)
    items = DemandItemSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    status = serializers.CharField()
    findings = FindingSerializer(many=True)

    class Meta:
        ref_name = "Demand"


class DemandListApi(APIView):
    """GET the demands visible to the caller (filtered); POST drafts one."""

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        category = serializers.ChoiceField(choices=Demand.Category.choices)
        budget_line = serializers.PrimaryKeyRelatedField(queryset=BudgetLine.objects.all())
        intention = serializers.PrimaryKeyRelatedField(
            queryset=ProcurementIntention.objects.all(), required=False, allow_null=True,
            default=None)
        technical_requirements = serializers.CharField()
        commercial_requirements = serializers.CharField(required=False, allow_blank=True,
                                                        default="")
        qualification_conditions = serializers.CharField(required=False, allow_blank=True,
                                                         default="")
        evaluation_method = serializers.ChoiceField(choices=Demand.Method.choices)
        tie_break = serializers.ChoiceField(
            choices=Demand.TieBreak.choices, required=False, default=Demand.TieBreak.DRAW,
            help_text="How the documents settle equal score and equal price "
                      "(87号令 第56、57条)")
        items = DemandItemSerializer(many=True)
        criteria = CriterionSerializer(many=True, required=False, default=list)

        class Meta:
            ref_name = "Demand"

        def validate(self, data):
            # Another unit's budget line or intention is as good as absent.
            org = self.context["purchaser"]
            if data["budget_line"].purchaser_id != org.pk:
                raise serializers.ValidationError({"budget_line": "not found"})
            if data.get("intention") and data["intention"].purchaser_id != org.pk:
                raise serializers.ValidationError({"intention": "not found"})
            return data

    @extend_schema(responses=DemandOutputSerializer(many=True),
                   parameters=openapi_parameters(DemandFilterSet),
                   summary="Demands visible to the caller")
    def get(self, request):
        filterset = demand_filterset(organization=request.organization,
                                     filters=request.query_params)
        check_filters(filterset)
        qs = filterset.qs.prefetch_related("items", "criteria", "findings")
        return paginated(self, request, qs, DemandOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: DemandOutputSerializer},
                   summary="Draft a demand; the fair-competition check runs (春风行动 1–4)")
    def post(self, request):
        org = acting_organization(request, Organization.Kind.PURCHASER)
        serializer = self.InputSerializer(data=request.data, context={"purchaser": org})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["items"] = [{**i, "catalog_code": i.pop("catalog_item_id")} for i in data["items"]]
        demand = services.demand_create(purchaser=org, actor=request.user,
                                        ip=client_ip(request), **data)
        return Response(DemandOutputSerializer(demand).data, status=status.HTTP_201_CREATED)


class DemandDetailApi(APIView):
    @extend_schema(responses=DemandOutputSerializer, summary="One demand (404 outside scope)")
    def get(self, request, pk):
        demand = get_object_or_404(demands_visible_to(organization=request.organization),
                                   pk=pk)
        return Response(DemandOutputSerializer(demand).data)


class FindingOverrideApi(APIView):
    class InputSerializer(serializers.Serializer):
        justification = serializers.CharField(min_length=10)

        class Meta:
            ref_name = "FindingOverrideInput"

    @extend_schema(request=InputSerializer, responses=FindingSerializer,
                   summary="Justify a fair-competition warning (supervision sees it)")
    def post(self, request, pk, finding_pk):
        demand = get_object_or_404(demands_visible_to(organization=request.organization),
                                   pk=pk)
        finding = get_object_or_404(FairnessFinding, pk=finding_pk, demand=demand)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = services.demand_override_finding(finding=finding, actor=request.user,
                                                   ip=client_ip(request),
                                                   **serializer.validated_data)
        return Response(FindingSerializer(finding).data)
