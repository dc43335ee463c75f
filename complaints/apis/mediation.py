"""API of the mediation part (春风行动 第29条): the list and one mediation, as the page
reads them (``selectors_mediation``), and one endpoint per step, each calling its
service and answering with the mediation as it now stands."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Membership, Organization, User
from accounts.permissions import ActsFor, acting_organization
from contracts.selectors import contracts_visible_to
from core.apis import paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip

from ..filters_mediation import MediationFilterSet
from ..models import Mediation, MediationOpinion
from ..selectors_mediation import (
    mediation_detail,
    mediation_filterset,
    mediations_visible_to,
)
from ..services import mediation as services
from ..steps_mediation import mediation_actions

K = Organization.Kind


class ActsForMediationParty(ActsFor):
    """Mediations are the contract parties' and the finance bureau's; others get 404."""

    allowed_kinds = (K.PURCHASER, K.SUPPLIER, K.FINANCE)


def visible_mediation(request, pk) -> Mediation:
    return get_object_or_404(
        mediations_visible_to(user=request.user, organization=request.organization), pk=pk)


def answer(request, pk, *, code=status.HTTP_200_OK) -> Response:
    detail = mediation_detail(visible_mediation(request, pk), user=request.user,
                              organization=request.organization)
    return Response(MediationDetailSerializer(detail).data, status=code)


def _common(request) -> dict:
    return {"user": request.user, "organization": request.organization,
            "ip": client_ip(request)}


# --- what is read ---------------------------------------------------------------------------

class MediationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField(source="contract.number")
    applicant = serializers.CharField(source="applicant.name")
    respondent = serializers.CharField(source="respondent.name")
    subject = serializers.CharField()
    subject_display = serializers.CharField(source="get_subject_display")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    actions = serializers.SerializerMethodField(
        help_text="Status steps allowed now: accept, decline, withdraw, refer")
    claim = serializers.CharField()
    requested_at = serializers.DateTimeField()
    mediator = serializers.CharField(source="mediator.display_name", allow_null=True,
                                     default=None)
    accepted_at = serializers.DateTimeField(allow_null=True)
    outcome_text = serializers.CharField(
        help_text="The settlement's terms, or why declined, withdrawn or referred")
    referred_to = serializers.CharField()
    settlement_recorded_at = serializers.DateTimeField(allow_null=True)
    applicant_confirmed_at = serializers.DateTimeField(allow_null=True)
    respondent_confirmed_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Mediation"

    def get_actions(self, obj) -> list[str]:
        return mediation_actions(obj)


class _ClockSerializer(serializers.Serializer):
    clock = serializers.CharField(source="deadline.clock")
    organization = serializers.CharField(source="deadline.organization.name")
    status = serializers.CharField(source="deadline.status")
    due_at = serializers.DateTimeField(source="deadline.due_at")
    met_at = serializers.DateTimeField(source="deadline.met_at", allow_null=True)
    basis = serializers.CharField(source="deadline.basis")
    overdue = serializers.BooleanField()

    class Meta:
        ref_name = "MediationClock"


class _SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    place = serializers.CharField()
    attendees = serializers.CharField()
    minutes = serializers.CharField()

    class Meta:
        ref_name = "MediationSession"


class _FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()

    class Meta:
        ref_name = "MediationFile"


class _OpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_kind = serializers.CharField()
    author_name = serializers.CharField()
    text = serializers.CharField()
    file = _FileSerializer(allow_null=True)
    added_at = serializers.DateTimeField()

    class Meta:
        ref_name = "MediationOpinion"


class _InvoiceFactSerializer(serializers.Serializer):
    number = serializers.CharField(source="invoice.number")
    amount = serializers.DecimalField(source="invoice.amount", max_digits=16,
                                      decimal_places=2)
    paid_total = serializers.DecimalField(source="invoice.paid_total", max_digits=16,
                                          decimal_places=2)
    pay_by = serializers.DateTimeField(source="clock.due_at", allow_null=True, default=None)
    clock_status = serializers.CharField(source="clock.status", allow_null=True, default=None)
    late_interest = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "MediationInvoiceFact"


class _FactsSerializer(serializers.Serializer):
    invoices = _InvoiceFactSerializer(many=True)
    overdue_payment_clocks = serializers.IntegerField(source="overdue_count")
    late_interest = serializers.DecimalField(max_digits=16, decimal_places=2)
    supplier_is_sme = serializers.BooleanField()
    paid_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_amount = serializers.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ref_name = "MediationFacts"


class _AllowedSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    decline = serializers.BooleanField()
    record_session = serializers.BooleanField()
    add_opinion = serializers.BooleanField()
    settle = serializers.BooleanField()
    confirm = serializers.BooleanField()
    reject = serializers.BooleanField()
    withdraw = serializers.BooleanField()
    refer = serializers.BooleanField()

    class Meta:
        ref_name = "MediationAllowed"


class MediationDetailSerializer(serializers.Serializer):
    mediation = MediationSerializer()
    side = serializers.CharField(help_text="applicant, respondent or finance")
    allowed = _AllowedSerializer(help_text="What the caller may do now")
    clocks = _ClockSerializer(many=True)
    sessions = _SessionSerializer(many=True)
    opinions = _OpinionSerializer(many=True)
    documents = _FileSerializer(many=True)
    facts = _FactsSerializer(allow_null=True,
                             help_text="A late-payment dispute: the contract's invoices, "
                                       "payment clocks and late interest")

    class Meta:
        ref_name = "MediationDetail"


# --- the list and the request -----------------------------------------------------------------

class MediationListApi(APIView):
    """GET the mediations the caller sees (its own; all to the finance bureau); POST asks
    for mediation of a dispute about a signed contract (multipart: ``files`` as file
    parts)."""

    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        contract = serializers.IntegerField(help_text="The contract's id; the caller is a "
                                                      "party")
        subject = serializers.ChoiceField(choices=Mediation.Subject.choices)
        claim = serializers.CharField(max_length=5000)
        files = serializers.ListField(child=serializers.FileField(), required=False,
                                      default=list)

        class Meta:
            ref_name = "MediationRequest"

    @extend_schema(parameters=openapi_parameters(MediationFilterSet),
                   responses=MediationSerializer(many=True),
                   summary="Mediations of contract disputes the caller sees")
    def get(self, request):
        filterset = mediation_filterset(organization=request.organization,
                                        filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, MediationSerializer)

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: MediationDetailSerializer},
                   summary="Ask the finance bureau to mediate a dispute with the other party "
                           "(春风行动 第29条)")
    def post(self, request):
        org = acting_organization(request, K.PURCHASER, K.SUPPLIER)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contract = get_object_or_404(
            contracts_visible_to(user=request.user, organization=org), pk=data["contract"])
        mediation = services.mediation_request(
            contract=contract, applicant=org, subject=data["subject"], claim=data["claim"],
            files=[services.Upload(f.name, f.read()) for f in data["files"]],
            user=request.user, ip=client_ip(request))
        return answer(request, mediation.pk, code=status.HTTP_201_CREATED)


class MediationDetailApi(APIView):
    permission_classes = [ActsForMediationParty]

    @extend_schema(responses=MediationDetailSerializer,
                   summary="One mediation: clocks, sessions, opinions, settlement, facts")
    def get(self, request, pk):
        return answer(request, pk)


# --- the steps ------------------------------------------------------------------------------

class MediationAcceptApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        mediator = serializers.IntegerField(help_text="A user of the finance bureau")

        class Meta:
            ref_name = "MediationAccept"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="The finance bureau accepts and assigns the mediator")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mediator = User.objects.filter(
            pk=serializer.validated_data["mediator"],
            pk__in=Membership.objects.filter(organization=request.organization,
                                             is_active=True).values("user")).first()
        services.mediation_accept(mediation=mediation, mediator=mediator, **_common(request))
        return answer(request, pk)


class _ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MediationDeclineApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(_ReasonInput):
        class Meta:
            ref_name = "MediationDecline"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="The finance bureau declines to mediate, saying why")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_decline(mediation=mediation, **serializer.validated_data,
                                   **_common(request))
        return answer(request, pk)


class MediationSessionApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        held_at = serializers.DateTimeField()
        place = serializers.CharField(max_length=200)
        attendees = serializers.CharField(max_length=2000)
        minutes = serializers.CharField(max_length=20000)

        class Meta:
            ref_name = "MediationSessionRecord"

    @extend_schema(request=InputSerializer, responses={201: MediationDetailSerializer},
                   summary="The mediator records a session held")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_session_record(mediation=mediation, **serializer.validated_data,
                                          **_common(request))
        return answer(request, pk, code=status.HTTP_201_CREATED)


class MediationOpinionApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        author_kind = serializers.ChoiceField(choices=MediationOpinion.Author.choices)
        author_name = serializers.CharField(max_length=100)
        text = serializers.CharField(max_length=20000)
        file = serializers.FileField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "MediationOpinionAdd"

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: MediationDetailSerializer},
                   summary="The mediator adds an expert's or a lawyer's opinion")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        f = data.pop("file")
        services.mediation_opinion_add(
            mediation=mediation, file=services.Upload(f.name, f.read()) if f else None,
            **data, **_common(request))
        return answer(request, pk, code=status.HTTP_201_CREATED)


class MediationSettleApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        terms = serializers.CharField(max_length=20000)

        class Meta:
            ref_name = "MediationSettle"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="The mediator records the settlement; each party then confirms it")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_settle(mediation=mediation, **serializer.validated_data,
                                  **_common(request))
        return answer(request, pk)


class MediationConfirmApi(APIView):
    permission_classes = [ActsForMediationParty]

    @extend_schema(request=None, responses=MediationDetailSerializer,
                   summary="A party confirms the recorded settlement (settled once both have)")
    def post(self, request, pk):
        services.mediation_settlement_confirm(mediation=visible_mediation(request, pk),
                                              **_common(request))
        return answer(request, pk)


class MediationRejectApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(_ReasonInput):
        class Meta:
            ref_name = "MediationSettlementReject"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="A party does not accept the recorded settlement")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_settlement_reject(mediation=mediation,
                                             **serializer.validated_data, **_common(request))
        return answer(request, pk)


class MediationWithdrawApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                       default="")

        class Meta:
            ref_name = "MediationWithdraw"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="The applicant withdraws its request")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_withdraw(mediation=mediation, **serializer.validated_data,
                                    **_common(request))
        return answer(request, pk)


class MediationReferApi(APIView):
    permission_classes = [ActsForMediationParty]

    class InputSerializer(serializers.Serializer):
        referred_to = serializers.CharField(max_length=200,
                                            help_text="Arbitration commission, court or "
                                                      "another body")
        reason = serializers.CharField(max_length=2000)

        class Meta:
            ref_name = "MediationRefer"

    @extend_schema(request=InputSerializer, responses=MediationDetailSerializer,
                   summary="The mediator refers the dispute to arbitration, a court or "
                           "another body")
    def post(self, request, pk):
        mediation = visible_mediation(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mediation_refer(mediation=mediation, **serializer.validated_data,
                                 **_common(request))
        return answer(request, pk)


urlpatterns = [
    path("mediations/", MediationListApi.as_view(), name="mediation-list"),
    path("mediations/<int:pk>/", MediationDetailApi.as_view(), name="mediation-detail"),
    path("mediations/<int:pk>/accept/", MediationAcceptApi.as_view(), name="mediation-accept"),
    path("mediations/<int:pk>/decline/", MediationDeclineApi.as_view(),
         name="mediation-decline"),
    path("mediations/<int:pk>/sessions/", MediationSessionApi.as_view(),
         name="mediation-session"),
    path("mediations/<int:pk>/opinions/", MediationOpinionApi.as_view(),
         name="mediation-opinion"),
    path("mediations/<int:pk>/settle/", MediationSettleApi.as_view(), name="mediation-settle"),
    path("mediations/<int:pk>/confirm/", MediationConfirmApi.as_view(),
         name="mediation-confirm"),
    path("mediations/<int:pk>/reject/", MediationRejectApi.as_view(), name="mediation-reject"),
    path("mediations/<int:pk>/withdraw/", MediationWithdrawApi.as_view(),
         name="mediation-withdraw"),
    path("mediations/<int:pk>/refer/", MediationReferApi.as_view(), name="mediation-refer"),
]
