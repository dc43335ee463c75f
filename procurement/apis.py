"""The procurement API: every step of the browser flow, through the same services."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from core.apis import (
    PLANNED_DATE_HELP,
    PlannedDateField,
    PlannedDateTimeField,
    PlausibleYearField,
    StrictDecimalField,
    money_field,
    paginated,
)
from core.http import client_ip

from . import services
from .models import (
    Announcement,
    BudgetLine,
    Demand,
    DemandItem,
    EvaluationCriterion,
    FairnessFinding,
    Lot,
    ProcurementIntention,
    Project,
)
from .rules import budget_available, suggest_sme_reservation
from .selectors import (
    bids_of,
    budget_lines_of,
    demands_visible_to,
    intentions_of,
    opening_visible_to,
    projects_visible_to,
    public_notices,
)

POSITIVE = Decimal("0.01")

def _purchaser(request) -> Organization:
    org = request.organization
    if org is None or org.kind != Organization.Kind.PURCHASER:
        raise NotFound
    return org


# --- budgets and intentions -------------------------------------------------------

class BudgetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = PlausibleYearField(help_text="The budget year: last year to two years ahead")
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    amount = money_field()
    source = serializers.ChoiceField(choices=BudgetLine.Source.choices)
    economic_class = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                           default="")
    available = serializers.SerializerMethodField()

    def get_available(self, obj) -> str:
        return str(budget_available(obj))


class BudgetLineListApi(APIView):
    @extend_schema(responses=BudgetLineSerializer(many=True), summary="The unit's budget lines")
    def get(self, request):
        return paginated(self, request, budget_lines_of(_purchaser(request)),
                         BudgetLineSerializer)

    @extend_schema(request=BudgetLineSerializer, responses={201: BudgetLineSerializer},
                   summary="Record a budget line")
    def post(self, request):
        data = BudgetLineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.budget_line_create(purchaser=_purchaser(request), actor=request.user,
                                           ip=client_ip(request), **data.validated_data)
        return Response(BudgetLineSerializer(line).data, status=status.HTTP_201_CREATED)


class IntentionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    purchaser = serializers.CharField(source="purchaser.name", read_only=True)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    budget = money_field()
    expected_month = PlannedDateField(
        help_text=f"The month procurement is expected to start (its first day). "
                  f"{PLANNED_DATE_HELP}")
    published_at = serializers.DateTimeField(read_only=True)


class IntentionListApi(APIView):
    @extend_schema(responses=IntentionSerializer(many=True), summary="The unit's intentions")
    def get(self, request):
        return paginated(self, request, intentions_of(_purchaser(request)), IntentionSerializer)

    @extend_schema(request=IntentionSerializer, responses={201: IntentionSerializer},
                   summary="Publish a procurement intention (财库〔2020〕10号)")
    def post(self, request):
        data = IntentionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intention = services.intention_publish(purchaser=_purchaser(request),
                                               actor=request.user, ip=client_ip(request),
                                               **data.validated_data)
        return Response(IntentionSerializer(intention).data, status=status.HTTP_201_CREATED)


# --- demands ----------------------------------------------------------------------

class DemandItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    catalog_code = serializers.CharField(max_length=20, source="catalog_item_id")
    quantity = StrictDecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE)
    unit = serializers.CharField(max_length=20)
    specification = serializers.CharField(required=False, allow_blank=True, default="")
    is_core = serializers.BooleanField(required=False, default=False)


class CriterionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvaluationCriterion.Kind.choices)
    name = serializers.CharField(max_length=200)
    weight = StrictDecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE,
                                max_value=Decimal("100"))
    description = serializers.CharField(required=False, allow_blank=True, default="")


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


class DemandSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Demand.Category.choices)
    budget_line = serializers.PrimaryKeyRelatedField(queryset=BudgetLine.objects.all())
    intention = serializers.PrimaryKeyRelatedField(queryset=ProcurementIntention.objects.all(),
                                                   required=False, allow_null=True,
                                                   default=None)
    technical_requirements = serializers.CharField()
    commercial_requirements = serializers.CharField(required=False, allow_blank=True,
                                                    default="")
    qualification_conditions = serializers.CharField(required=False, allow_blank=True,
                                                     default="")
    evaluation_method = serializers.ChoiceField(choices=Demand.Method.choices)
    items = DemandItemSerializer(many=True)
    criteria = CriterionSerializer(many=True, required=False, default=list)
    status = serializers.CharField(read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    def validate(self, data):
        org = self.context["purchaser"]
        if data["budget_line"].purchaser_id != org.pk:
            raise serializers.ValidationError({"budget_line": "not found"})
        if data.get("intention") and data["intention"].purchaser_id != org.pk:
            raise serializers.ValidationError({"intention": "not found"})
        return data


class DemandListApi(APIView):
    @extend_schema(responses=DemandSerializer(many=True), summary="Demands visible to the caller")
    def get(self, request):
        qs = demands_visible_to(organization=request.organization).prefetch_related(
            "items", "criteria", "findings")
        return paginated(self, request, qs, DemandSerializer)

    @extend_schema(request=DemandSerializer, responses={201: DemandSerializer},
                   summary="Draft a demand; the fair-competition check runs (春风行动 1–4)")
    def post(self, request):
        org = _purchaser(request)
        data = DemandSerializer(data=request.data, context={"purchaser": org})
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        payload["items"] = [{**i, "catalog_code": i.pop("catalog_item_id")}
                            for i in payload["items"]]
        demand = services.demand_create(purchaser=org, actor=request.user,
                                        ip=client_ip(request), **payload)
        return Response(DemandSerializer(demand).data, status=status.HTTP_201_CREATED)


class DemandDetailApi(APIView):
    @extend_schema(responses=DemandSerializer, summary="One demand (404 outside scope)")
    def get(self, request, pk):
        qs = demands_visible_to(organization=request.organization)
        return Response(DemandSerializer(get_object_or_404(qs, pk=pk)).data)


class FindingOverrideApi(APIView):
    class FindingOverrideInputSerializer(serializers.Serializer):
        justification = serializers.CharField(min_length=10)

    @extend_schema(request=FindingOverrideInputSerializer, responses=FindingSerializer,
                   summary="Justify a fair-competition warning (supervision sees it)")
    def post(self, request, pk, finding_pk):
        demand = get_object_or_404(demands_visible_to(organization=request.organization), pk=pk)
        finding = get_object_or_404(FairnessFinding, pk=finding_pk, demand=demand)
        data = self.FindingOverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.demand_override_finding(finding=finding, actor=request.user,
                                                   ip=client_ip(request), **data.validated_data)
        return Response(FindingSerializer(finding).data)


# --- projects ---------------------------------------------------------------------

class LotSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    budget = money_field()
    ceiling_price = money_field(required=False, allow_null=True, default=None)
    sme_reservation = serializers.ChoiceField(choices=Lot.Reservation.choices, required=False)
    reserved_share = StrictDecimalField(max_digits=5, decimal_places=2, required=False,
                                        allow_null=True, default=None,
                                        max_value=Decimal("100"))
    items = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=DemandItem.objects.all(),
        help_text="The demand items this lot procures (ids). Optional with one lot; with "
                  "several, each item of the demand is in exactly one lot.")
    status = serializers.CharField(read_only=True)


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(max_length=200)
    demand = serializers.PrimaryKeyRelatedField(queryset=Demand.objects.all())
    method = serializers.ChoiceField(choices=Project.Method.choices)
    method_justification = serializers.CharField(required=False, allow_blank=True, default="")
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind__in=["agency", "central_agency"]),
        required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=30)
    lots = LotSerializer(many=True)
    status = serializers.CharField(read_only=True)
    bid_deadline = serializers.DateTimeField(read_only=True)
    documents_from = serializers.DateTimeField(read_only=True)
    documents_until = serializers.DateTimeField(read_only=True)
    assistant = serializers.IntegerField(source="assistant_id", read_only=True,
                                         help_text="The procurement assistant (春风行动 第16条)")
    retender_of = serializers.IntegerField(source="retender_of_id", read_only=True)


class ProjectListApi(APIView):
    @extend_schema(responses=ProjectSerializer(many=True),
                   summary="Projects: the purchaser's, the agency's entrusted, or all (finance)")
    def get(self, request):
        qs = projects_visible_to(organization=request.organization).prefetch_related(
            "lots__items")
        return paginated(self, request, qs, ProjectSerializer)

    @extend_schema(request=ProjectSerializer, responses={201: ProjectSerializer},
                   summary="Draft a project from a checked demand (budget checked)")
    def post(self, request):
        org = _purchaser(request)
        data = ProjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        demand = payload.pop("demand")
        if demand.purchaser_id != org.pk:
            raise NotFound
        lots = []
        for lot in payload.pop("lots"):
            if not lot.get("sme_reservation"):
                lot["sme_reservation"], lot["reserved_share"] = suggest_sme_reservation(
                    category=demand.category, budget=lot["budget"])
            lots.append(lot)
        project = services.project_create(purchaser=org, actor=request.user, demand=demand,
                                          lots=lots, ip=client_ip(request), **payload)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectSerializer, summary="One project (404 outside scope)")
    def get(self, request, pk):
        qs = projects_visible_to(organization=request.organization)
        return Response(ProjectSerializer(get_object_or_404(qs, pk=pk)).data)


class _ProjectStepApi(APIView):
    service = None
    input_serializer = None

    def post(self, request, pk):
        project = get_object_or_404(projects_visible_to(organization=request.organization),
                                    pk=pk)
        kwargs = {}
        if self.input_serializer is not None:
            data = self.input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = data.validated_data
        result = type(self).service(project=project, actor=request.user,
                                    ip=client_ip(request), **kwargs)
        if isinstance(result, Announcement):
            return Response(NoticeSerializer(result).data, status=status.HTTP_201_CREATED)
        return Response(ProjectSerializer(result).data)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AnnounceSerializer(serializers.Serializer):
    documents_from = PlannedDateTimeField()
    documents_until = PlannedDateTimeField()
    bid_deadline = PlannedDateTimeField()


class ClarifySerializer(serializers.Serializer):
    text = serializers.CharField()
    affects_bids = serializers.BooleanField()


def _step(name, service, serializer=None, summary=""):
    # Each step documents its own body: decorate a function of its own, not the shared
    # base method (extend_schema annotates the function it is given).
    def post(self, request, pk):
        return _ProjectStepApi.post(self, request, pk)

    post = extend_schema(request=serializer, summary=summary,
                         responses={200: ProjectSerializer, 201: dict})(post)
    return type(name, (_ProjectStepApi,), {"service": staticmethod(service),
                                           "input_serializer": serializer, "post": post})


ProjectSubmitApi = _step("ProjectSubmitApi", services.project_submit,
                         summary="Submit a drafted project for approval")
ProjectApproveApi = _step("ProjectApproveApi", services.project_approve,
                          summary="Approve (not by the drafter: 不相容岗位分离)")
ProjectReturnApi = _step("ProjectReturnApi", services.project_return, ReasonSerializer,
                         summary="Return a submitted project to the drafter")
ProjectCancelApi = _step("ProjectCancelApi", services.project_cancel, ReasonSerializer,
                         summary="Cancel a project, with reason")
ProjectAnnounceApi = _step("ProjectAnnounceApi", services.project_announce,
                           AnnounceSerializer,
                           summary="Publish the tender announcement (periods checked)")
class RetenderSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Project.Method.choices, required=False,
                                     allow_blank=True, default="")
    method_justification = serializers.CharField(required=False, allow_blank=True,
                                                 default="")


class AssistantSerializer(serializers.Serializer):
    assistant = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True))


ProjectRetenderApi = _step("ProjectRetenderApi", services.project_retender,
                           RetenderSerializer,
                           summary="Procure the failed lots again from the same demand "
                                   "(87号令 第43条): a new draft project")
ProjectAssistantApi = _step("ProjectAssistantApi", services.project_assign_assistant,
                            AssistantSerializer,
                            summary="Name the procurement assistant (春风行动 第16条)")
ProjectClarifyApi = _step("ProjectClarifyApi", services.announcement_clarify,
                          ClarifySerializer,
                          summary="Publish a clarification; may move the deadline (87号令 27)")


# --- public notices ----------------------------------------------------------------

class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    fields = serializers.JSONField()
    published_at = serializers.DateTimeField()
    project_code = serializers.CharField(source="project.code")
    purchaser = serializers.CharField(source="project.purchaser.name")
    moves_deadline_to = serializers.DateTimeField(allow_null=True)


class NoticeListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=NoticeSerializer(many=True), auth=[],
                   summary="Public procurement notices (101号令)")
    def get(self, request):
        kind = request.query_params.get("kind", "")
        qs = public_notices(kind=kind if kind in Announcement.Kind.values else "",
                            q=request.query_params.get("q", "")[:100])
        return paginated(self, request, qs, NoticeSerializer)


class NoticeDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=NoticeSerializer, auth=[], summary="One public notice")
    def get(self, request, pk):
        return Response(NoticeSerializer(get_object_or_404(public_notices(), pk=pk)).data)


# --- bidding -----------------------------------------------------------------------

class BidReceiptSerializer(serializers.Serializer):
    """What a supplier may see of its own bid: the receipt, never the sealed content."""

    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    project_code = serializers.CharField(source="lot.project.code")
    status = serializers.CharField()
    sealed_at = serializers.DateTimeField()
    receipt_sha256 = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()

    def get_files(self, obj) -> list[dict]:
        return [{"name": f.name, "kind": f.kind, "size": f.size, "sha256": f.sha256}
                for f in obj.files.all()]


class BidSubmitSerializer(serializers.Serializer):
    price = money_field()
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    model = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sme_scale = serializers.ChoiceField(choices=["large", "medium", "small", "micro"])
    sme_items_by_smes = serializers.BooleanField(required=False, default=False)
    contact_name = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=30)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                      default="")


def _supplier(request) -> Organization:
    org = request.organization
    if org is None or org.kind != Organization.Kind.SUPPLIER:
        raise NotFound
    return org


class DocumentsObtainApi(APIView):
    @extend_schema(request=None, responses={200: dict},
                   summary="Obtain a project's documents, free of charge (recorded)")
    def post(self, request, pk):
        project = get_object_or_404(Project, pk=pk)
        download = services.documents_obtain(project=project, supplier=_supplier(request),
                                             user=request.user, ip=client_ip(request))
        return Response({"project": project.pk, "obtained_at": download.at})


class BidSubmitApi(APIView):
    @extend_schema(request={"multipart/form-data": BidSubmitSerializer},
                   responses={201: BidReceiptSerializer, 200: BidReceiptSerializer},
                   parameters=[OpenApiParameter(
                       "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                       description="Any unique string per bid (at most 100 characters). A "
                                   "retry with the same key answers 200 with the first bid "
                                   "and its receipt instead of sealing a second one.")],
                   summary="Seal a bid for a lot; the server clock decides lateness")
    def post(self, request, pk):
        org = _supplier(request)
        lot = get_object_or_404(Lot, pk=pk)
        data = BidSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bid = services.bid_submit(
            lot=lot, supplier=org, user=request.user, price=v["price"], brand=v["brand"],
            model=v["model"], sme_scale=v["sme_scale"],
            sme_items_by_smes=v["sme_items_by_smes"], contact_name=v["contact_name"],
            contact_phone=v["contact_phone"],
            files=[services.Upload(f.name, f.read()) for f in v["files"]],
            ip=client_ip(request), device_id=v["device_id"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100])
        if getattr(bid, "replayed", False):
            # A retry of a request already served: the same bid and receipt, not a new one.
            return Response(BidReceiptSerializer(bid).data, status=status.HTTP_200_OK,
                            headers={"Idempotent-Replayed": "true"})
        return Response(BidReceiptSerializer(bid).data, status=status.HTTP_201_CREATED)


class BidListApi(APIView):
    @extend_schema(responses=BidReceiptSerializer(many=True), summary="The caller's own bids")
    def get(self, request):
        return paginated(self, request, bids_of(_supplier(request)), BidReceiptSerializer)


class BidDetailApi(APIView):
    @extend_schema(responses=BidReceiptSerializer, summary="One of the caller's bids")
    def get(self, request, pk):
        return Response(BidReceiptSerializer(
            get_object_or_404(bids_of(_supplier(request)), pk=pk)).data)


class BidWithdrawApi(APIView):
    @extend_schema(request=None, responses=BidReceiptSerializer,
                   summary="Withdraw a sealed bid before the deadline")
    def post(self, request, pk):
        bid = get_object_or_404(bids_of(_supplier(request)), pk=pk)
        bid = services.bid_withdraw(bid=bid, user=request.user, ip=client_ip(request))
        return Response(BidReceiptSerializer(bid).data)


class OpeningRowSerializer(serializers.Serializer):
    supplier = serializers.CharField()
    price = serializers.DecimalField(max_digits=16, decimal_places=2)
    brand = serializers.CharField()
    model = serializers.CharField()
    scale = serializers.CharField()
    sealed_at = serializers.DateTimeField()
    receipt = serializers.CharField()


class OpeningApi(APIView):
    @extend_schema(responses=OpeningRowSerializer(many=True),
                   summary="The opening table (开标一览表): empty until the opening time")
    def get(self, request, pk):
        lot = get_object_or_404(Lot.objects.select_related("project"), pk=pk)
        if not opening_visible_to(lot=lot, organization=request.organization):
            raise NotFound
        services.project_open_due(project=lot.project)
        lot.refresh_from_db()
        return Response({"status": lot.status, "opened_at": lot.opened_at,
                         "failure_reason": lot.failure_reason,
                         "rows": OpeningRowSerializer(services.opening_table(lot),
                                                      many=True).data})
