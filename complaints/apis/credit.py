"""API of the credit part: one APIView per operation, reads through
``complaints.selectors_credit`` (404 outside the caller's scope), writes through
``complaints.services.credit``."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsFor, ActsForFinance, acting_organization
from core.apis import money_field, paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip
from procurement.models import Project

from .. import selectors_credit as selectors
from ..filters_credit import ListingFilterSet, OverviewFilterSet, PenaltyFilterSet
from ..forms_credit import SUBJECT_KINDS
from ..models import Complaint, CreditRepair, Penalty, SpotCheck
from ..services import credit as services


class ActsForAnyOrganization(ActsFor):
    """Anyone acting for an organisation (its own credit)."""


class CreditRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    organization_name = serializers.CharField(source="organization.name", allow_null=True,
                                              default=None)
    expert = serializers.IntegerField(source="expert_id", allow_null=True)
    event = serializers.CharField()
    event_label = serializers.CharField(source="get_event_display")
    points = serializers.IntegerField()
    basis = serializers.CharField()
    detail = serializers.CharField()
    source = serializers.CharField(source="source_repr")
    recorded_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    repaired_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "CreditRecord"


class CreditGradeSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    grade = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()

    class Meta:
        ref_name = "CreditGrade"


class ListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    reason = serializers.CharField()
    basis = serializers.CharField()
    decision_number = serializers.CharField(source="penalty.decision_number", allow_null=True,
                                            default=None)
    listed_from = serializers.DateTimeField()
    listed_until = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "BadBehaviourListing"


class PenaltySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    kind = serializers.ChoiceField(choices=Penalty.Kind.choices)
    decision_number = serializers.CharField()
    facts = serializers.CharField()
    basis = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    decided_at = serializers.DateTimeField()
    effective_from = serializers.DateTimeField()
    effective_until = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Penalty"


class RepairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.IntegerField(source="record_id")
    subject = serializers.CharField()
    statement = serializers.CharField()
    applied_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=CreditRepair.Status.choices)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField()

    class Meta:
        ref_name = "CreditRepair"


class SpotCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    subject = serializers.CharField()
    grade = serializers.CharField(help_text="The grade when drawn")
    seed = serializers.CharField(help_text="random.Random(seed) over the population sorted "
                                           "by id draws the same")
    drawn_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SpotCheck.Status.choices)
    findings = serializers.CharField()
    checked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "SpotCheck"


class CreditProfileSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    score = serializers.IntegerField()
    grade = serializers.CharField()
    history = CreditGradeSerializer(many=True)
    records = CreditRecordSerializer(many=True)
    listings = ListingSerializer(many=True)
    penalties = PenaltySerializer(many=True)
    repairs = RepairSerializer(many=True)

    class Meta:
        ref_name = "CreditProfile"


# ---------------------------------------------------------------- reads


class CreditMineApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=CreditProfileSerializer,
                   summary="The caller's organisation's credit: score, grade, history, "
                           "records, listings, penalties, repairs")
    def get(self, request):
        org = acting_organization(request)
        return Response(CreditProfileSerializer(
            selectors.credit_profile(organization=org)).data)


class CreditOrganizationApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=CreditProfileSerializer,
                   summary="An organisation's credit (one's own; any for the finance bureau)")
    def get(self, request, pk):
        org = selectors.credit_organization(organization=request.organization, pk=pk)
        return Response(CreditProfileSerializer(
            selectors.credit_profile(organization=org)).data)


class OverviewRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    score = serializers.IntegerField()
    grade = serializers.CharField()

    class Meta:
        ref_name = "CreditOverviewRow"


class CreditOverviewApi(APIView):
    permission_classes = [ActsForFinance]

    @extend_schema(responses=OverviewRowSerializer(many=True),
                   parameters=openapi_parameters(OverviewFilterSet),
                   summary="Finance bureau: every organisation's score and grade, lowest first")
    def get(self, request):
        filterset = selectors.overview_filterset(filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, OverviewRowSerializer)


class CreditRecordListApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        subject = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind=Organization.Kind.SUPPLIER),
            help_text="The supplier")
        project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(),
                                                     help_text="Where the collusion was")
        detail = serializers.CharField(max_length=4000)

        class Meta:
            ref_name = "CollusionRecord"

    @extend_schema(responses=CreditRecordSerializer(many=True),
                   summary="Credit records: the caller's organisation's, or all for the "
                           "finance bureau")
    def get(self, request):
        return paginated(self, request, selectors.credit_records_visible_to(
            user=request.user, organization=request.organization), CreditRecordSerializer)

    @extend_schema(request=InputSerializer, responses={201: CreditRecordSerializer},
                   summary="Finance bureau: record collusion it confirmed (法 第77条; 87号令 "
                           "第37条); the supplier is listed")
    def post(self, request):
        finance = acting_organization(request, Organization.Kind.FINANCE)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = services.credit_record(subject=data["subject"], event="collusion",
                                        source=data["project"], detail=data["detail"],
                                        actor=request.user, organization=finance,
                                        ip=client_ip(request))
        return Response(CreditRecordSerializer(record).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- repair


class CreditRepairApplyApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        statement = serializers.CharField(max_length=4000,
                                          help_text="What was corrected, and how")

        class Meta:
            ref_name = "CreditRepairApply"

    @extend_schema(request=InputSerializer, responses={201: RepairSerializer},
                   summary="Apply for credit repair of a record (the organisation's "
                           "administrator; one pending per record)")
    def post(self, request, pk):
        record = selectors.credit_record_visible(user=request.user,
                                                 organization=request.organization, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        repair = services.credit_repair_apply(record=record, user=request.user,
                                              organization=request.organization,
                                              ip=client_ip(request),
                                              **serializer.validated_data)
        return Response(RepairSerializer(repair).data, status=status.HTTP_201_CREATED)


class CreditRepairListApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=RepairSerializer(many=True),
                   summary="Repair applications: the caller's, or all for the finance bureau")
    def get(self, request):
        return paginated(self, request, selectors.repairs_visible_to(
            user=request.user, organization=request.organization), RepairSerializer)


class CreditRepairReviewApi(APIView):
    permission_classes = [ActsForFinance]

    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                     help_text="Required when refusing")

        class Meta:
            ref_name = "CreditRepairReview"

    @extend_schema(request=InputSerializer, responses=RepairSerializer,
                   summary="Finance bureau: approve (record repaired, listing lifted, grade "
                           "recomputed) or refuse with the reason")
    def post(self, request, pk):
        repair = get_object_or_404(CreditRepair, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        repair = services.credit_repair_review(repair=repair, user=request.user,
                                               organization=request.organization,
                                               ip=client_ip(request),
                                               **serializer.validated_data)
        return Response(RepairSerializer(repair).data)


# ---------------------------------------------------------------- penalties


class PenaltyRecordApi(APIView):
    permission_classes = [ActsForFinance]

    class InputSerializer(serializers.Serializer):
        subject = serializers.PrimaryKeyRelatedField(
            queryset=Organization.objects.filter(kind__in=SUBJECT_KINDS),
            help_text="The penalised organisation")
        kind = serializers.ChoiceField(choices=Penalty.Kind.choices)
        decision_number = serializers.CharField(max_length=60)
        facts = serializers.CharField(max_length=4000)
        basis = serializers.CharField(max_length=200)
        amount = money_field(required=False, allow_null=True,
                             help_text="The fine or the gains confiscated (yuan)")
        decided_at = serializers.DateTimeField()
        effective_from = serializers.DateTimeField()
        effective_until = serializers.DateTimeField(
            required=False, allow_null=True,
            help_text="Required for a debarment: one to three years (法 第77条)")
        complaint = serializers.PrimaryKeyRelatedField(
            queryset=Complaint.objects.filter(status=Complaint.Status.DECIDED), required=False,
            allow_null=True, help_text="The decided complaint the penalty follows, if any")

        class Meta:
            ref_name = "PenaltyRecord"

    @extend_schema(request=InputSerializer, responses={201: PenaltySerializer},
                   summary="Finance bureau: record and publish an administrative penalty")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {"amount": None, "effective_until": None, "complaint": None,
                **serializer.validated_data}
        penalty = services.penalty_record(user=request.user,
                                          organization=request.organization,
                                          ip=client_ip(request), **data)
        return Response(PenaltySerializer(penalty).data, status=status.HTTP_201_CREATED)


class PublicPenaltyListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PenaltySerializer(many=True), auth=[],
                   parameters=openapi_parameters(PenaltyFilterSet),
                   summary="Public: administrative penalties published")
    def get(self, request):
        filterset = selectors.penalty_filterset(filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, PenaltySerializer)


class PublicListingApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ListingSerializer(many=True), auth=[],
                   parameters=openapi_parameters(ListingFilterSet),
                   summary="Public: the bad-behaviour list, only the listings in force")
    def get(self, request):
        filterset = selectors.listing_filterset(filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, ListingSerializer)


# ---------------------------------------------------------------- spot checks


class SpotCheckListApi(APIView):
    permission_classes = [ActsForFinance]

    @extend_schema(responses=SpotCheckSerializer(many=True),
                   summary="Finance bureau: the spot checks drawn (?period=2026-Q4)")
    def get(self, request):
        return paginated(self, request,
                         selectors.spot_checks(period=request.query_params.get("period", "")),
                         SpotCheckSerializer)


class SpotCheckDrawApi(APIView):
    permission_classes = [ActsForFinance]

    class InputSerializer(serializers.Serializer):
        period = serializers.RegexField(services.PERIOD_RE, help_text="e.g. 2026-Q4")

        class Meta:
            ref_name = "SpotCheckDraw"

    @extend_schema(request=InputSerializer, responses={201: SpotCheckSerializer(many=True)},
                   summary="Finance bureau: draw the period's checks, by grade "
                           "(credit.spot_check_a..d); once per period")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checks = services.spot_checks_draw(user=request.user, organization=request.organization,
                                           ip=client_ip(request), **serializer.validated_data)
        return Response(SpotCheckSerializer(checks, many=True).data,
                        status=status.HTTP_201_CREATED)


class SpotCheckRecordApi(APIView):
    permission_classes = [ActsForFinance]

    class InputSerializer(serializers.Serializer):
        findings = serializers.CharField(max_length=4000)

        class Meta:
            ref_name = "SpotCheckRecord"

    @extend_schema(request=InputSerializer, responses=SpotCheckSerializer,
                   summary="Finance bureau: record what a check found")
    def post(self, request, pk):
        check = get_object_or_404(SpotCheck, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.spot_check_record(check=check, user=request.user,
                                           organization=request.organization,
                                           ip=client_ip(request), **serializer.validated_data)
        return Response(SpotCheckSerializer(check).data)


class GradeRateSerializer(serializers.Serializer):
    grade = serializers.CharField()
    per_cent = serializers.IntegerField()

    class Meta:
        ref_name = "SpotCheckRate"


class SpotCheckRatesApi(APIView):
    permission_classes = [ActsForFinance]

    @extend_schema(responses=GradeRateSerializer(many=True),
                   summary="Finance bureau: the share of each grade drawn per period")
    def get(self, request):
        return Response(GradeRateSerializer(
            [{"grade": g, "per_cent": r} for g, r in selectors.rates_by_grade()],
            many=True).data)


urlpatterns = [
    path("credit/", CreditMineApi.as_view(), name="credit-mine"),
    path("credit/organizations/<int:pk>/", CreditOrganizationApi.as_view(),
         name="credit-organization"),
    path("credit/overview/", CreditOverviewApi.as_view(), name="credit-overview"),
    path("credit/records/", CreditRecordListApi.as_view(), name="credit-records"),
    path("credit/records/<int:pk>/repair/", CreditRepairApplyApi.as_view(),
         name="credit-repair-apply"),
    path("credit/repairs/", CreditRepairListApi.as_view(), name="credit-repairs"),
    path("credit/repairs/<int:pk>/review/", CreditRepairReviewApi.as_view(),
         name="credit-repair-review"),
    path("credit/penalties/", PenaltyRecordApi.as_view(), name="credit-penalty-record"),
    path("credit/spot-checks/", SpotCheckListApi.as_view(), name="credit-spot-checks"),
    path("credit/spot-checks/rates/", SpotCheckRatesApi.as_view(),
         name="credit-spot-check-rates"),
    path("credit/spot-checks/draw/", SpotCheckDrawApi.as_view(),
         name="credit-spot-checks-draw"),
    path("credit/spot-checks/<int:pk>/record/", SpotCheckRecordApi.as_view(),
         name="credit-spot-check-record"),
    path("notices/penalties/", PublicPenaltyListApi.as_view(), name="credit-penalties-public"),
    path("notices/bad-behaviour/", PublicListingApi.as_view(),
         name="credit-bad-behaviour-public"),
]
