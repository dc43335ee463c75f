"""The evaluation API: the committee draw, reviews, scores, the report and the award —
through the same services as the evaluation pages (views_evaluation), never beside them.

Organisers (the purchaser and its agency; supervision reads) are scoped like the pages:
a lot outside ``projects_visible_to`` answers 404. Committee members reach their lot
through their seat. A bid still sealed or withdrawn is invisible here: before opening,
nothing about the bids is returned.
"""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.apis import StrictDecimalField
from core.http import client_ip

from . import services
from .apis import _supplier
from .models import Award, Bid, BidQuery, CommitteeMember, EvaluationResult, Lot, Review, Score
from .selectors import (
    award_notice_visible_to,
    bid_outcome,
    bids_of,
    committee_seat,
    lot_for_organiser,
)

HIDDEN_BID_STATUSES = (Bid.Status.SEALED, Bid.Status.WITHDRAWN)


# --- who may see a lot -------------------------------------------------------------

def _lot_for_organiser(request, pk) -> Lot:
    """The purchaser, its agency and supervision — the scoping of the organiser's page."""
    return lot_for_organiser(pk=pk, organization=request.organization)


def _seat(request, pk) -> CommitteeMember | None:
    return committee_seat(lot_pk=pk, user=request.user)


def _lot_for_member(request, pk) -> tuple[Lot, CommitteeMember]:
    seat = _seat(request, pk)
    if seat is None:
        raise NotFound
    return seat.committee.lot, seat


def _opened_bids(lot: Lot):
    """The lot's bids once opened; sealed and withdrawn ones are never shown."""
    return (Bid.objects.filter(lot=lot).exclude(status__in=HIDDEN_BID_STATUSES)
            .select_related("supplier"))


# --- serializers -------------------------------------------------------------------

class CommitteeMemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="expert.display_name")
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)


class CommitteeSerializer(serializers.Serializer):
    drawn_at = serializers.DateTimeField()
    pool_size = serializers.IntegerField(help_text="Eligible experts the draw was made from")
    excluded = serializers.SerializerMethodField(help_text="Experts excluded for conflicts")
    report_at = serializers.DateTimeField(allow_null=True)
    members = CommitteeMemberSerializer(many=True)

    def get_excluded(self, obj) -> int:
        return len(obj.excluded or [])


class ReviewSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid_id")
    stage = serializers.ChoiceField(choices=Review.Stage.choices)
    passed = serializers.BooleanField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class ScoringFactorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)


def _points():
    return StrictDecimalField(max_digits=6, decimal_places=2)


class EvaluatedBidSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    supplier = serializers.CharField(source="supplier.name")
    price = serializers.DecimalField(max_digits=16, decimal_places=2)
    status = serializers.CharField()
    abnormally_low = serializers.SerializerMethodField(
        help_text="Far below the others during evaluation (87号令 第60条)")
    reviews = ReviewSerializer(many=True)
    my_scores = serializers.SerializerMethodField(
        help_text="Committee members: factor id → the caller's points; null for organisers")

    def get_abnormally_low(self, obj) -> bool:
        return obj.pk in self.context["low"]

    @extend_schema_field(serializers.DictField(child=_points(), allow_null=True))
    def get_my_scores(self, obj):
        mine = self.context["mine"]
        if mine is None:
            return None
        return {str(c): str(p) for (b, c), p in mine.items() if b == obj.pk}


class ResultSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid_id")
    supplier = serializers.CharField(source="bid.supplier.name")
    price = serializers.DecimalField(source="bid.price", max_digits=16, decimal_places=2)
    evaluated_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    deduction = serializers.DecimalField(max_digits=5, decimal_places=2,
                                         help_text="SME price deduction (%)")
    price_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    other_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True)
    candidate = serializers.BooleanField(help_text="False: lost the candidacy (same brand)")
    abnormally_low = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())


class AwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    bid = serializers.IntegerField(source="bid_id")
    winner = serializers.CharField(source="bid.supplier.name")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    confirmed_at = serializers.DateTimeField()
    notice_sha256 = serializers.CharField()
    notice_url = serializers.SerializerMethodField()

    def get_notice_url(self, obj) -> str:
        return reverse("api:award-notice", args=[obj.pk])


class BidQuerySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    bid = serializers.IntegerField(source="bid_id")
    supplier = serializers.CharField(source="bid.supplier.name")
    kind = serializers.ChoiceField(choices=BidQuery.Kind.choices)
    status = serializers.ChoiceField(choices=BidQuery.Status.choices)
    question = serializers.CharField()
    stated_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    corrected_price = serializers.DecimalField(max_digits=16, decimal_places=2,
                                               allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class EvaluationSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    project_code = serializers.CharField()
    lot_status = serializers.CharField()
    failure_reason = serializers.CharField()
    as_member = serializers.BooleanField(help_text="The caller sits on the committee")
    is_chair = serializers.BooleanField()
    factors = ScoringFactorSerializer(many=True, help_text="The factors scored besides price")
    committee = CommitteeSerializer(allow_null=True)
    bids = EvaluatedBidSerializer(many=True, help_text="Opened bids only, cheapest first")
    results = ResultSerializer(many=True)
    award = AwardSerializer(allow_null=True)
    queries = BidQuerySerializer(many=True, help_text="Questions to bidders (87号令 第51、59、"
                                                      "60条)")


def _evaluation(lot: Lot, seat: CommitteeMember | None) -> dict:
    committee = getattr(lot, "committee", None)
    bids = list(_opened_bids(lot).prefetch_related("reviews").order_by("price", "pk"))
    low = services.abnormally_low_bids(lot) if committee and not committee.report_at \
        else set()
    mine = None
    if seat is not None:
        mine = {(s.bid_id, s.criterion_id): s.points
                for s in Score.objects.filter(bid__lot=lot, expert_id=seat.expert_id)}
    results = (EvaluationResult.objects.filter(bid__lot=lot)
               .select_related("bid__supplier").order_by("-candidate", "rank"))
    award = Award.objects.filter(lot=lot).select_related("bid__supplier").first()
    return {
        "lot": lot.pk, "project_code": lot.project.code, "lot_status": lot.status,
        "failure_reason": lot.failure_reason, "as_member": seat is not None,
        "is_chair": seat is not None and seat.role == CommitteeMember.Role.CHAIR,
        "factors": ScoringFactorSerializer(
            lot.project.demand.criteria.exclude(kind="price"), many=True).data,
        "committee": CommitteeSerializer(committee).data if committee else None,
        "bids": EvaluatedBidSerializer(bids, many=True,
                                       context={"low": low, "mine": mine}).data,
        "results": ResultSerializer(results, many=True).data,
        "award": AwardSerializer(award).data if award else None,
        "queries": BidQuerySerializer(BidQuery.objects.filter(bid__lot=lot).select_related(
            "bid__supplier"), many=True).data,
    }


# --- the views -----------------------------------------------------------------------

class EvaluationApi(APIView):
    @extend_schema(responses=EvaluationSerializer,
                   summary="A lot's evaluation: committee, reviews, results, award "
                           "(organisers and committee members; 404 to others)")
    def get(self, request, pk):
        seat = _seat(request, pk)
        lot = seat.committee.lot if seat else _lot_for_organiser(request, pk)
        return Response(_evaluation(lot, seat))


class CommitteeDrawApi(APIView):
    @extend_schema(request=None, responses={201: CommitteeSerializer},
                   summary="Draw the committee at random, conflicts excluded (87号令 第47条)")
    def post(self, request, pk):
        lot = _lot_for_organiser(request, pk)
        committee = services.committee_draw(lot=lot, actor=request.user, ip=client_ip(request))
        return Response(CommitteeSerializer(committee).data, status=status.HTTP_201_CREATED)


class ReviewInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Review.Stage.choices)
    passed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required on failure: the bidder is told it")


class ReviewApi(APIView):
    @extend_schema(request=ReviewInputSerializer, responses=ReviewSerializer,
                   summary="Review a bid: qualification by the organiser (87号令 第44条), "
                           "compliance by a committee member")
    def post(self, request, pk, bid_pk):
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["stage"] == Review.Stage.QUALIFICATION:
            lot = _lot_for_organiser(request, pk)
        else:
            lot, _member = _lot_for_member(request, pk)
        bid = get_object_or_404(_opened_bids(lot), pk=bid_pk)
        review = services.bid_review(bid=bid, stage=v["stage"], passed=v["passed"],
                                     reason=v["reason"], actor=request.user,
                                     ip=client_ip(request))
        return Response(ReviewSerializer(review).data)


class ScoreInputSerializer(serializers.Serializer):
    points = serializers.DictField(child=_points(), allow_empty=False,
                                   help_text="Factor id → points, every factor except price")

    def validate_points(self, value):
        try:
            return {int(k): v for k, v in value.items()}
        except ValueError:
            raise serializers.ValidationError("Keys are the factors' ids.") from None


class ScoresSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    points = serializers.DictField(child=_points())


class ScoreApi(APIView):
    @extend_schema(request=ScoreInputSerializer, responses=ScoresSerializer,
                   summary="A committee member's points for one bid, within each factor's "
                           "weight")
    def post(self, request, pk, bid_pk):
        lot, _member = _lot_for_member(request, pk)
        bid = get_object_or_404(_opened_bids(lot), pk=bid_pk)
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.score_submit(bid=bid, expert=request.user,
                                      points=data.validated_data["points"],
                                      ip=client_ip(request))
        return Response(ScoresSerializer({
            "bid": bid.pk, "points": {str(s.criterion_id): s.points for s in saved}}).data)


class ReportSerializer(serializers.Serializer):
    lot_status = serializers.CharField()
    failure_reason = serializers.CharField()
    results = ResultSerializer(many=True)


class ReportApi(APIView):
    @extend_schema(request=None, responses=ReportSerializer,
                   summary="The chair submits the evaluation report; fewer than 3 qualified "
                           "bids fail the lot (87号令 第44条)")
    def post(self, request, pk):
        lot, _member = _lot_for_member(request, pk)
        services.evaluation_complete(lot=lot, actor=request.user, ip=client_ip(request))
        lot.refresh_from_db()
        results = (EvaluationResult.objects.filter(bid__lot=lot)
                   .select_related("bid__supplier").order_by("-candidate", "rank"))
        return Response(ReportSerializer({"lot_status": lot.status,
                                          "failure_reason": lot.failure_reason,
                                          "results": results}).data)


class AwardInputSerializer(serializers.Serializer):
    bid = serializers.IntegerField(help_text="The first-ranked candidate's bid")


class AwardApi(APIView):
    @extend_schema(request=AwardInputSerializer, responses={201: AwardSerializer},
                   summary="Confirm the winner in ranking order (条例 第43条): the notice "
                           "and the result announcement go out")
    def post(self, request, pk):
        lot = _lot_for_organiser(request, pk)
        data = AwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = _opened_bids(lot).filter(pk=data.validated_data["bid"]).first()
        if bid is None:
            raise serializers.ValidationError({"bid": ["Not an opened bid of this lot."]},
                                              code="does_not_exist")
        award = services.award_confirm(lot=lot, bid=bid, actor=request.user,
                                       ip=client_ip(request))
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardNoticeApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The PDF is not rendered by DRF; errors fall back to JSON whatever is accepted.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="awards_notice_pdf_retrieve",
                   summary="The award notice PDF (the winner, the purchaser, its agency and "
                           "supervision only)")
    def get(self, request, pk):
        award = get_object_or_404(Award.objects.select_related("lot__project", "bid"), pk=pk)
        if not award_notice_visible_to(award=award, organization=request.organization):
            raise NotFound
        project = award.lot.project
        return FileResponse(award.notice_pdf.open("rb"), content_type="application/pdf",
                            as_attachment=True,
                        filename=f"中标通知书-{project.code}-{award.lot.number}.pdf")


# --- the bidder's own result ---------------------------------------------------------

class OwnResultSerializer(serializers.Serializer):
    evaluated_price = serializers.DecimalField(max_digits=16, decimal_places=2)
    deduction = serializers.DecimalField(max_digits=5, decimal_places=2)
    price_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    other_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True)
    candidate = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())


class OwnAwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    confirmed_at = serializers.DateTimeField()
    notice_url = serializers.SerializerMethodField()
    assistant = serializers.CharField(help_text="The procurement assistant (春风行动 第16条)")
    assistant_phone = serializers.CharField()
    sign_due = serializers.DateTimeField(allow_null=True,
                                         help_text="The contract-signing clock's due time")

    def get_notice_url(self, obj) -> str:
        return reverse("api:award-notice", args=[obj["id"]])


class BidResultSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    lot = serializers.IntegerField()
    project_code = serializers.CharField()
    status = serializers.CharField()
    lot_status = serializers.CharField()
    published = serializers.BooleanField(help_text="The result is out (awarded or failed)")
    reviews = ReviewSerializer(many=True)
    result = OwnResultSerializer(allow_null=True)
    award = OwnAwardSerializer(allow_null=True, help_text="For the winner")


class BidResultApi(APIView):
    @extend_schema(responses=BidResultSerializer,
                   summary="The caller's own bid result: reviews with reasons, score and rank "
                           "(春风行动 第17条; 87号令 第69条)")
    def get(self, request, pk):
        bid = get_object_or_404(bids_of(_supplier(request)), pk=pk)  # another's: 404
        outcome = bid_outcome(bid)
        award = outcome.get("award")
        if award is not None:
            clock = outcome.get("sign_clock")
            award = {"id": award.pk, "amount": award.amount, "confirmed_at": award.confirmed_at,
                     "assistant": outcome["assistant"].display_name,
                     "assistant_phone": outcome["assistant_phone"],
                     "sign_due": clock.due_at if clock else None}
        return Response(BidResultSerializer({
            "bid": bid.pk, "lot": bid.lot_id, "project_code": bid.lot.project.code,
            "status": bid.status, "lot_status": bid.lot.status, "published": bool(outcome),
            "reviews": outcome.get("reviews", []), "result": outcome.get("result"),
            "award": award}).data)


# --- questions to bidders (87号令 第51、59、60条) ---------------------------------------

class ExplanationInputSerializer(serializers.Serializer):
    question = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="Blank: the standard wording of 第60条")


class ExplanationRequestApi(APIView):
    @extend_schema(request=ExplanationInputSerializer, responses={201: BidQuerySerializer},
                   summary="The chair asks a bidder to explain an abnormally low price "
                           "(87号令 第60条)")
    def post(self, request, pk, bid_pk):
        lot, _member = _lot_for_member(request, pk)
        bid = get_object_or_404(_opened_bids(lot), pk=bid_pk)
        data = ExplanationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = services.explanation_request(bid=bid, actor=request.user,
                                             ip=client_ip(request), **data.validated_data)
        return Response(BidQuerySerializer(query).data, status=status.HTTP_201_CREATED)


class QueryDecideInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required when not accepted: the bidder is told")


class QueryDecideApi(APIView):
    @extend_schema(request=QueryDecideInputSerializer, responses=BidQuerySerializer,
                   summary="The chair accepts an explanation or treats the bid as invalid")
    def post(self, request, pk, query_pk):
        lot, _member = _lot_for_member(request, pk)
        query = get_object_or_404(BidQuery, pk=query_pk, bid__lot=lot)
        data = QueryDecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = services.bid_query_decide(query=query, actor=request.user,
                                          ip=client_ip(request), **data.validated_data)
        return Response(BidQuerySerializer(query).data)


class BidQueryListApi(APIView):
    @extend_schema(responses=BidQuerySerializer(many=True),
                   summary="The committee's questions about the caller's own bid")
    def get(self, request, pk):
        bid = get_object_or_404(bids_of(_supplier(request)), pk=pk)
        return Response(BidQuerySerializer(bid.queries.select_related("bid__supplier"),
                                           many=True).data)


class QueryAnswerInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(required=False, allow_null=True, default=None,
                                       help_text="Price correction: confirm or decline")
    answer = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Abnormally low price: the written explanation")


class QueryAnswerApi(APIView):
    @extend_schema(request=QueryAnswerInputSerializer, responses=BidQuerySerializer,
                   summary="The bidder answers: confirms a corrected price (declining makes "
                           "the bid invalid, 第59条) or explains its price (第60条)")
    def post(self, request, pk, query_pk):
        bid = get_object_or_404(bids_of(_supplier(request)), pk=pk)
        query = get_object_or_404(BidQuery, pk=query_pk, bid=bid)
        data = QueryAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = services.bid_query_answer(query=query, user=request.user,
                                          ip=client_ip(request), **data.validated_data)
        return Response(BidQuerySerializer(query).data)
