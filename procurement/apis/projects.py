"""Projects and their steps: one endpoint per step, each calling its one service.

A project's ``actions`` (and each lot's) are what may be done with it now, from the
same tables the services guard and the project page draws its buttons from
(``selectors.project_actions``, ``selectors.actions_of``)."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import acting_organization
from core.apis import StrictDecimalField, money_field, paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip

from .. import services
from ..filters import ProjectFilterSet
from ..models import Demand, DemandItem, Lot, Project, SingleSource
from ..rules import suggest_sme_reservation
from ..selectors import actions_of, project_actions, project_filterset, projects_visible_to

K = Organization.Kind
ACTIONS_HELP = ("What may be done now, by the status: the names of the steps of "
                "procurement.steps (and of the acts that change no status)")


class LotOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    ceiling_price = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    sme_reservation = serializers.ChoiceField(choices=Lot.Reservation.choices)
    reserved_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    reserved_small_micro_share = serializers.DecimalField(max_digits=5, decimal_places=2,
                                                          allow_null=True)
    not_reserved_reason = serializers.CharField()
    not_reserved_detail = serializers.CharField()
    sme_deduction = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    sme_consortium_deduction = serializers.DecimalField(max_digits=5, decimal_places=2,
                                                        allow_null=True)
    items = serializers.SerializerMethodField(help_text="The demand items this lot procures")
    status = serializers.ChoiceField(choices=Lot.Status.choices)
    actions = serializers.SerializerMethodField(help_text=ACTIONS_HELP)

    class Meta:
        ref_name = "Lot"

    def get_items(self, lot) -> list[int]:
        return [item.pk for item in lot.items.all()]

    def get_actions(self, lot) -> list[str]:
        return actions_of(lot)


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    demand = serializers.IntegerField(source="demand_id")
    method = serializers.ChoiceField(choices=Project.Method.choices)
    method_justification = serializers.CharField()
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    lots = LotOutputSerializer(many=True)
    status = serializers.ChoiceField(choices=Project.Status.choices)
    bid_deadline = serializers.DateTimeField(allow_null=True)
    documents_from = serializers.DateTimeField(allow_null=True)
    documents_until = serializers.DateTimeField(allow_null=True)
    assistant = serializers.IntegerField(source="assistant_id", allow_null=True,
                                         help_text="The procurement assistant (春风行动 第16条)")
    retender_of = serializers.IntegerField(source="retender_of_id", allow_null=True)
    supplier_exception = serializers.CharField()
    actions = serializers.SerializerMethodField(help_text=ACTIONS_HELP)

    class Meta:
        ref_name = "Project"

    def get_actions(self, project) -> list[str]:
        return project_actions(project)


def project_answer(project: Project, code=status.HTTP_200_OK) -> Response:
    return Response(ProjectOutputSerializer(project).data, status=code)


def visible_project(request, pk) -> Project:
    """The project, if the caller's organisation runs or supervises it; else 404."""
    return get_object_or_404(projects_visible_to(organization=request.organization), pk=pk)


class LotInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    budget = money_field()
    ceiling_price = money_field(required=False, allow_null=True, default=None)
    sme_reservation = serializers.ChoiceField(
        choices=Lot.Reservation.choices, required=False,
        help_text="Left out: the rule of 财库〔2020〕46号 is applied")
    reserved_share = StrictDecimalField(max_digits=5, decimal_places=2, required=False,
                                        allow_null=True, default=None,
                                        max_value=Decimal("100"))
    reserved_small_micro_share = StrictDecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None,
        min_value=Decimal("0"), max_value=Decimal("100"),
        help_text="Partial reservation: the share of it for small and micro firms, at "
                  "least 60 % (财库〔2020〕46号 第8条); left out: 60")
    sme_deduction = StrictDecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None,
        min_value=Decimal("0"), max_value=Decimal("100"),
        help_text="Price deduction for small/micro firms in %: goods and services 10–20, "
                  "engineering 3–5 (财库〔2022〕19号); left out: the minimum")
    sme_consortium_deduction = StrictDecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None,
        min_value=Decimal("0"), max_value=Decimal("100"),
        help_text="Deduction for a consortium with ≥30 % small/micro share: goods and "
                  "services 4–6, engineering 1–2; left out: the minimum")
    not_reserved_reason = serializers.ChoiceField(
        choices=[c for c in Lot.NotReservedReason.choices
                 if c[0] != Lot.NotReservedReason.TOO_FEW_SMES],
        required=False, allow_blank=True, default="",
        help_text="Why a lot the rules reserve for SMEs is not reserved (财库〔2020〕46号 "
                  "第6条); required then, with not_reserved_detail")
    not_reserved_detail = serializers.CharField(required=False, allow_blank=True, default="")
    items = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=DemandItem.objects.all(),
        help_text="The demand items this lot procures (ids). Optional with one lot; with "
                  "several, each item of the demand is in exactly one lot.")

    class Meta:
        ref_name = "Lot"


class ProjectListApi(APIView):
    """GET the projects visible to the caller (filtered); POST drafts one."""

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        demand = serializers.PrimaryKeyRelatedField(queryset=Demand.objects.all())
        method = serializers.ChoiceField(choices=Project.Method.choices)
        method_justification = serializers.CharField(required=False, allow_blank=True,
                                                     default="")
        agency = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind__in=[K.AGENCY, K.CENTRAL_AGENCY]),
            required=False, allow_null=True, default=None)
        contact_name = serializers.CharField(max_length=50)
        contact_phone = serializers.CharField(max_length=30)
        lots = LotInputSerializer(many=True)
        supplier_exception = serializers.ChoiceField(
            choices=Project.SupplierException.choices, required=False, allow_blank=True,
            default="", help_text="Only where the method's rules allow two suppliers")
        # 单一来源 only (法 第31条; 条例 第38条).
        single_source_supplier = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind=K.SUPPLIER, is_active=True),
            required=False, allow_null=True, default=None,
            help_text="Single source: the supplier named")
        single_source_case = serializers.ChoiceField(
            choices=SingleSource.Case.choices, required=False, allow_blank=True, default="",
            help_text="Single source: the case of 法 第31条")
        experts = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="", help_text="Single source: the experts")
        experts_opinion = serializers.CharField(required=False, allow_blank=True, default="",
                                                help_text="Single source: their opinion")

        class Meta:
            ref_name = "Project"

    @extend_schema(responses=ProjectOutputSerializer(many=True),
                   parameters=openapi_parameters(ProjectFilterSet, {
                       "purchaser": "(useful to the finance bureau and agencies, who see "
                                    "several purchasers)"}),
                   summary="Projects: the purchaser's, the agency's entrusted, or all (finance)")
    def get(self, request):
        filterset = project_filterset(organization=request.organization,
                                      filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs.prefetch_related("lots__items"),
                         ProjectOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: ProjectOutputSerializer},
                   summary="Draft a project from a checked demand (budget checked)")
    def post(self, request):
        org = acting_organization(request, K.PURCHASER)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        demand = data.pop("demand")
        if demand.purchaser_id != org.pk:
            raise NotFound
        lots = [_with_reservation(dict(lot), demand) for lot in data.pop("lots")]
        project = services.project_create(purchaser=org, actor=request.user, demand=demand,
                                          lots=lots, ip=client_ip(request), **data)
        return project_answer(project, status.HTTP_201_CREATED)


def _with_reservation(lot: dict, demand: Demand) -> dict:
    """A lot without an SME reservation gets the one the rule suggests (财库〔2020〕46号),
    as on the page."""
    if not lot.get("sme_reservation"):
        lot["sme_reservation"], lot["reserved_share"] = suggest_sme_reservation(
            category=demand.category, budget=lot["budget"])
    return lot


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectOutputSerializer, summary="One project (404 outside scope)")
    def get(self, request, pk):
        return project_answer(visible_project(request, pk))


class ProjectSubmitApi(APIView):
    @extend_schema(request=None, responses=ProjectOutputSerializer,
                   summary="Submit a drafted project for approval")
    def post(self, request, pk):
        project = services.project_submit(project=visible_project(request, pk),
                                          actor=request.user, ip=client_ip(request))
        return project_answer(project)


class ProjectApproveApi(APIView):
    @extend_schema(request=None, responses=ProjectOutputSerializer,
                   summary="Approve (not by the drafter: 不相容岗位分离)")
    def post(self, request, pk):
        project = services.project_approve(project=visible_project(request, pk),
                                           actor=request.user, ip=client_ip(request))
        return project_answer(project)


class ProjectReturnApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(help_text="What must change")

        class Meta:
            ref_name = "ProjectReturn"

    @extend_schema(request=InputSerializer, responses=ProjectOutputSerializer,
                   summary="Return a submitted project to the drafter")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_return(project=project, actor=request.user,
                                          ip=client_ip(request), **serializer.validated_data)
        return project_answer(project)


class ProjectCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(help_text="Published with the cancellation notice "
                                                 "once announced")

        class Meta:
            ref_name = "ProjectCancel"

    @extend_schema(request=InputSerializer, responses=ProjectOutputSerializer,
                   summary="Cancel a project, with reason")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_cancel(project=project, actor=request.user,
                                          ip=client_ip(request), **serializer.validated_data)
        return project_answer(project)


class ProjectRetenderApi(APIView):
    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=Project.Method.choices, required=False,
                                         allow_blank=True, default="",
                                         help_text="Blank: the same method")
        method_justification = serializers.CharField(required=False, allow_blank=True,
                                                     default="")
        supplier_exception = serializers.ChoiceField(
            choices=Project.SupplierException.choices, required=False, allow_blank=True,
            default="", help_text="Only where the method's rules allow two suppliers")

        class Meta:
            ref_name = "ProjectRetender"

    @extend_schema(request=InputSerializer, responses=ProjectOutputSerializer,
                   summary="Procure the failed lots again from the same demand "
                           "(87号令 第43条): a new draft project")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.project_retender(project=project, actor=request.user,
                                        ip=client_ip(request), **serializer.validated_data)
        return project_answer(new)


class ProjectAssistantApi(APIView):
    class InputSerializer(serializers.Serializer):
        assistant = serializers.PrimaryKeyRelatedField(
            queryset=get_user_model().objects.filter(is_active=True),
            help_text="A member of the purchaser's or its agency's staff")

        class Meta:
            ref_name = "ProjectAssistant"

    @extend_schema(request=InputSerializer, responses=ProjectOutputSerializer,
                   summary="Name the procurement assistant (春风行动 第16条)")
    def post(self, request, pk):
        project = visible_project(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_assign_assistant(project=project, actor=request.user,
                                                    ip=client_ip(request),
                                                    **serializer.validated_data)
        return project_answer(project)
