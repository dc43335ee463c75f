"""The evaluation API: the committee draw, reviews, scores, the report and the award —
through the same services as the evaluation pages, and showing the same read model
(``selectors.lot_evaluation``).

Organisers (the purchaser and its agency; supervision reads) are scoped like the pages:
a lot outside ``projects_visible_to`` answers 404. Committee members reach their lot
through their seat. A bid still sealed or withdrawn is invisible here: before opening,
nothing about the bids is returned.
"""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForSupplier
from core.apis import StrictDecimalField
from core.http import client_ip

from .. import services
from ..models import Award, CommitteeMember, Lot, Review
from ..selectors import (
    award_notice_visible_to,
    bid_documents,
    bid_outcome,
    bid_reader,
    committee_seat,
    evaluation_results,
    lot_evaluation,
    lot_for_organiser,
    opened_bids,
)
from .bidding import own_bid
from .queries import BidQuerySerializer, member_lot


def organiser_lot(request, pk) -> Lot:
    """The purchaser, its agency and supervision — the scoping of the organiser's page."""
    return lot_for_organiser(pk=pk, organization=request.organization)


def _points():
    return StrictDecimalField(max_digits=6, decimal_places=2)


# --- what is shown ------------------------------------------------------------------

class CommitteeMemberSerializer(serializers.Serializer):
    name = serializers.CharField(source="expert.display_name")
    role = serializers.ChoiceField(choices=CommitteeMember.Role.choices)

    class Meta:
        ref_name = "CommitteeMember"


class CommitteeSerializer(serializers.Serializer):
    drawn_at = serializers.DateTimeField()
    pool_size = serializers.IntegerField(help_text="Eligible experts the draw was made from")
    excluded = serializers.SerializerMethodField(help_text="Experts excluded for conflicts")
    report_at = serializers.DateTimeField(allow_null=True)
    members = CommitteeMemberSerializer(many=True)

    class Meta:
        ref_name = "Committee"

    def get_excluded(self, obj) -> int:
        return len(obj.excluded or [])


class ReviewSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid_id")
    stage = serializers.ChoiceField(choices=Review.Stage.choices)
    passed = serializers.BooleanField()
    reason = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Review"


class VoteSerializer(serializers.Serializer):
    member = serializers.CharField(source="reviewer.display_name")
    passed = serializers.BooleanField()
    reason = serializers.CharField()
    at = serializers.DateTimeField()

    class Meta:
        ref_name = "ReviewVote"


class VerdictSerializer(serializers.Serializer):
    """The committee's conclusion of one stage: the organiser's qualification verdict, or
    the majority of the members' compliance verdicts (87号令 第61条)."""

    bid = serializers.IntegerField(source="bid_id")
    stage = serializers.ChoiceField(choices=Review.Stage.choices)
    passed = serializers.BooleanField(allow_null=True,
                                      help_text="Null until every verdict is given")
    reason = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    verdicts_given = serializers.SerializerMethodField()
    verdicts_needed = serializers.IntegerField(source="members")
    dissent = serializers.SerializerMethodField(
        help_text="The minority's verdicts with their reasons (the chair and organisers)")

    class Meta:
        ref_name = "Verdict"

    def get_verdicts_given(self, obj) -> int:
        return len(obj.votes)

    @extend_schema_field(VoteSerializer(many=True))
    def get_dissent(self, obj):
        if not self.context.get("sees_votes"):
            return []
        return VoteSerializer(obj.dissent, many=True).data


class ScoringFactorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ref_name = "ScoringFactor"


class EvaluatedBidSerializer(serializers.Serializer):
    """One row of ``selectors.lot_evaluation``: an opened bid and its reviews."""

    id = serializers.IntegerField(source="bid.pk")
    supplier = serializers.CharField(source="bid.supplier.name")
    price = serializers.DecimalField(source="bid.price", max_digits=16, decimal_places=2)
    status = serializers.CharField(source="bid.status")
    abnormally_low = serializers.BooleanField(
        source="low", help_text="Far below the others during evaluation (87号令 第60条)")
    reviews = serializers.SerializerMethodField(
        help_text="Each stage's conclusion (qualification, compliance)")
    my_review = serializers.SerializerMethodField(
        help_text="Committee members: the caller's own compliance verdict, or null")
    votes = serializers.SerializerMethodField(
        help_text="The chair: every member's compliance verdict")
    my_scores = serializers.SerializerMethodField(
        help_text="Committee members: factor id → the caller's points; null for organisers")

    class Meta:
        ref_name = "EvaluatedBid"

    @extend_schema_field(VerdictSerializer(many=True))
    def get_reviews(self, row):
        return VerdictSerializer(row["reviews"], many=True, context=self.context).data

    @extend_schema_field(VoteSerializer(allow_null=True))
    def get_my_review(self, row):
        mine = row.get("my_compliance")
        return VoteSerializer(mine).data if mine else None

    @extend_schema_field(VoteSerializer(many=True))
    def get_votes(self, row):
        return VoteSerializer(row["votes"], many=True).data if self.context.get(
            "sees_votes") else []

    @extend_schema_field(serializers.DictField(child=_points(), allow_null=True))
    def get_my_scores(self, row):
        mine = row["my_scores"]
        return None if mine is None else {str(c): str(p) for c, p in mine.items()}


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
    tied = serializers.BooleanField(help_text="Tied (并列): settled as the documents say or "
                                              "by the recorded draw (87号令 第56、57条)")
    notes = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "Result"


class AwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    bid = serializers.IntegerField(source="bid_id")
    winner = serializers.CharField(source="bid.supplier.name")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    confirmed_at = serializers.DateTimeField()
    notice_sha256 = serializers.CharField()
    notice_url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "Award"

    def get_notice_url(self, obj) -> str:
        return reverse("api:award-notice", args=[obj.pk])


class RevokedAwardSerializer(AwardSerializer):
    revoked_at = serializers.DateTimeField()
    revoked_reason = serializers.CharField()
    revoked_basis = serializers.CharField()
    revoked_excluded = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        ref_name = "RevokedAward"


class EvaluationApi(APIView):
    class OutputSerializer(serializers.Serializer):
        lot = serializers.IntegerField(source="lot.pk")
        project_code = serializers.CharField(source="project.code")
        lot_status = serializers.CharField(source="lot.status")
        failure_reason = serializers.CharField(source="lot.failure_reason")
        lot_actions = serializers.ListField(
            child=serializers.CharField(),
            help_text="What may be done with the lot now (steps.LOT): award, once evaluated")
        as_member = serializers.BooleanField(help_text="The caller sits on the committee")
        is_chair = serializers.BooleanField()
        factors = ScoringFactorSerializer(many=True, source="criteria",
                                          help_text="The factors scored besides price")
        committee = CommitteeSerializer(allow_null=True)
        bids = EvaluatedBidSerializer(many=True, source="rows",
                                      help_text="Opened bids only, cheapest first")
        results = ResultSerializer(many=True)
        award = AwardSerializer(allow_null=True, help_text="The live award")
        revoked_awards = RevokedAwardSerializer(
            many=True, help_text="Awards revoked after an upheld challenge (94号令 第16条)")
        confirmable = serializers.ListField(
            child=serializers.IntegerField(),
            help_text="The bids the purchaser may confirm now, in ranking order (条例 第43条): "
                      "the first-ranked, or after a revocation the best-ranked left")
        queries = BidQuerySerializer(many=True,
                                     help_text="Questions to bidders (87号令 第51、59、60条)")
        report = serializers.JSONField(
            help_text="Once reported: invalid bids with reasons, dissents with reasons "
                      "(87号令 第61条), ties and the draw's seed")

        class Meta:
            ref_name = "Evaluation"

    @extend_schema(responses=OutputSerializer,
                   summary="A lot's evaluation: committee, reviews, results, award "
                           "(organisers and committee members; 404 to others)")
    def get(self, request, pk):
        seat = committee_seat(lot_pk=pk, user=request.user)
        lot = seat.committee.lot if seat else organiser_lot(request, pk)
        data = lot_evaluation(lot, seat=seat)
        # The chair sees every member's verdict; organisers see the dissent once reported.
        sees = data["is_chair"] or (seat is None and bool(data["report"]))
        return Response(self.OutputSerializer(data, context={"sees_votes": sees}).data)


# --- the steps ------------------------------------------------------------------------

class CommitteeDrawApi(APIView):
    @extend_schema(request=None, responses={201: CommitteeSerializer},
                   summary="Draw the committee at random, conflicts excluded (87号令 第47条)")
    def post(self, request, pk):
        committee = services.committee_draw(lot=organiser_lot(request, pk),
                                            actor=request.user, ip=client_ip(request))
        return Response(CommitteeSerializer(committee).data, status=status.HTTP_201_CREATED)


class ReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=Review.Stage.choices)
        passed = serializers.BooleanField()
        reason = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="Required on failure: the bidder is told it")

        class Meta:
            ref_name = "ReviewInput"

    @extend_schema(request=InputSerializer, responses=ReviewSerializer,
                   summary="Review a bid: qualification by the organiser (87号令 第44条), "
                           "compliance by a committee member")
    def post(self, request, pk, bid_pk):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["stage"] == Review.Stage.QUALIFICATION:
            lot = organiser_lot(request, pk)
        else:
            lot, _seat = member_lot(request, pk)
        bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
        review = services.bid_review(bid=bid, actor=request.user, ip=client_ip(request),
                                     **data)
        return Response(ReviewSerializer(review).data)


class ScoreApi(APIView):
    class InputSerializer(serializers.Serializer):
        points = serializers.DictField(child=_points(), allow_empty=False,
                                       help_text="Factor id → points, every factor except "
                                                 "price")

        class Meta:
            ref_name = "ScoreInput"

        def validate_points(self, value):
            try:
                return {int(k): v for k, v in value.items()}
            except ValueError:
                raise serializers.ValidationError("Keys are the factors' ids.") from None

    class OutputSerializer(serializers.Serializer):
        bid = serializers.IntegerField()
        points = serializers.DictField(child=_points())

        class Meta:
            ref_name = "Scores"

    @extend_schema(request=InputSerializer, responses=OutputSerializer,
                   summary="A committee member's points for one bid, within each factor's "
                           "weight")
    def post(self, request, pk, bid_pk):
        lot, _seat = member_lot(request, pk)
        bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = services.score_submit(bid=bid, expert=request.user, ip=client_ip(request),
                                      **serializer.validated_data)
        return Response(self.OutputSerializer({
            "bid": bid.pk, "points": {str(s.criterion_id): s.points for s in saved}}).data)


class ReportApi(APIView):
    class OutputSerializer(serializers.Serializer):
        lot_status = serializers.CharField()
        failure_reason = serializers.CharField()
        results = ResultSerializer(many=True)

        class Meta:
            ref_name = "Report"

    @extend_schema(request=None, responses=OutputSerializer,
                   summary="The chair submits the evaluation report; fewer than 3 qualified "
                           "bids fail the lot (87号令 第44条)")
    def post(self, request, pk):
        lot, _seat = member_lot(request, pk)
        services.evaluation_complete(lot=lot, actor=request.user, ip=client_ip(request))
        lot.refresh_from_db()
        return Response(self.OutputSerializer({
            "lot_status": lot.status, "failure_reason": lot.failure_reason,
            "results": evaluation_results(lot)}).data)


class AwardApi(APIView):
    class InputSerializer(serializers.Serializer):
        bid = serializers.IntegerField(help_text="The first-ranked candidate's bid")

        class Meta:
            ref_name = "AwardInput"

    @extend_schema(request=InputSerializer, responses={201: AwardSerializer},
                   summary="Confirm the winner in ranking order (条例 第43条): the notice "
                           "and the result announcement go out")
    def post(self, request, pk):
        lot = organiser_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bid = opened_bids(lot).filter(pk=serializer.validated_data["bid"]).first()
        if bid is None:
            raise serializers.ValidationError({"bid": ["Not an opened bid of this lot."]},
                                              code="does_not_exist")
        award = services.award_confirm(lot=lot, bid=bid, actor=request.user,
                                       ip=client_ip(request))
        return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardRevokeApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, help_text="Why the award is revoked")
        basis = serializers.CharField(max_length=200,
                                      help_text="The challenge answered and the rule")
        then = serializers.ChoiceField(
            choices=["next", "retender"], default="next",
            help_text="next: the purchaser confirms the next qualified candidate (the lot "
                      "fails if too few are left); retender: the lot fails, to be procured "
                      "again")
        exclude = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list,
            help_text="Other bids of the lot the upheld challenge found not qualified")

        class Meta:
            ref_name = "AwardRevokeInput"

    class OutputSerializer(RevokedAwardSerializer):
        lot_status = serializers.CharField(source="lot.status")

        class Meta:
            ref_name = "AwardRevoked"

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer},
                   summary="Revoke an award after an upheld challenge, before both parties "
                           "signed (94号令 第16条): the result change is announced; the next "
                           "candidate is confirmed, or the lot fails")
    def post(self, request, pk):
        award = get_object_or_404(Award, pk=pk)
        organiser_lot(request, award.lot_id)  # 404 outside the organisers and supervision
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = services.award_revoke(award=award, actor=request.user,
                                      organization=request.organization,
                                      ip=client_ip(request), **serializer.validated_data)
        award.lot.refresh_from_db()
        return Response(self.OutputSerializer(award).data)


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


# --- the committee reads the bids ------------------------------------------------------

class BidDocumentsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class FileSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()
            kind = serializers.CharField()
            size = serializers.IntegerField()
            sha256 = serializers.CharField()
            url = serializers.SerializerMethodField()

            class Meta:
                ref_name = "BidDocumentFile"

            def get_url(self, obj) -> str:
                return reverse("api:bid-file", args=[obj.bid_id, obj.pk])

        class LineSerializer(serializers.Serializer):
            item = serializers.CharField()
            quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
            unit_price = serializers.DecimalField(max_digits=16, decimal_places=2)
            amount = serializers.DecimalField(max_digits=16, decimal_places=2)

            class Meta:
                ref_name = "BidDocumentLine"

        bid = serializers.IntegerField(source="bid.pk")
        lot = serializers.IntegerField(source="bid.lot_id")
        supplier = serializers.CharField(source="bid.supplier.name")
        price = serializers.DecimalField(max_digits=16, decimal_places=2,
                                         help_text="After a confirmed correction (第59条)")
        price_as_sealed = serializers.DecimalField(max_digits=16, decimal_places=2)
        price_words = serializers.CharField()
        brand = serializers.CharField()
        model = serializers.CharField()
        scale = serializers.CharField()
        all_items_by_smes = serializers.BooleanField()
        consortium = serializers.JSONField(allow_null=True)
        lines = LineSerializer(many=True)
        files = FileSerializer(many=True)

        class Meta:
            ref_name = "BidDocuments"

    @extend_schema(responses=OutputSerializer,
                   summary="An opened bid's itemised prices, declarations and files, for its "
                           "committee and organiser (each access recorded; 404 to others and "
                           "before opening)")
    def get(self, request, pk):
        bid, _role = bid_reader(pk=pk, user=request.user)
        services.bid_file_access(bid=bid, actor=request.user, ip=client_ip(request))
        return Response(self.OutputSerializer(bid_documents(bid)).data)


class BidFileApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The file is not rendered by DRF; errors fall back to JSON whatever is accepted.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   operation_id="bids_file_retrieve",
                   summary="One file of an opened bid, decrypted (its committee and organiser; "
                           "each access recorded; 404 to others and before opening)")
    def get(self, request, pk, file_pk):
        bid, _role = bid_reader(pk=pk, user=request.user)
        record = get_object_or_404(bid.files, pk=file_pk)
        data = services.bid_file_access(bid=bid, actor=request.user, bid_file=record,
                                        ip=client_ip(request))
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, record.name)
        response["Cache-Control"] = "private, no-store"
        return response


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

    class Meta:
        ref_name = "OwnResult"


class OwnAwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    confirmed_at = serializers.DateTimeField()
    notice_url = serializers.SerializerMethodField()
    assistant = serializers.CharField(help_text="The procurement assistant (春风行动 第16条)")
    assistant_phone = serializers.CharField()
    sign_due = serializers.DateTimeField(allow_null=True,
                                         help_text="The contract-signing clock's due time")

    class Meta:
        ref_name = "OwnAward"

    def get_notice_url(self, obj) -> str:
        return reverse("api:award-notice", args=[obj["id"]])


class BidResultApi(APIView):
    permission_classes = [ActsForSupplier]

    class OutputSerializer(serializers.Serializer):
        bid = serializers.IntegerField()
        lot = serializers.IntegerField()
        project_code = serializers.CharField()
        status = serializers.CharField()
        lot_status = serializers.CharField()
        published = serializers.BooleanField(help_text="The result is out (awarded or failed)")
        reviews = ReviewSerializer(many=True)
        result = OwnResultSerializer(allow_null=True)
        award = OwnAwardSerializer(allow_null=True, help_text="For the winner")

        class Meta:
            ref_name = "BidResult"

    @extend_schema(responses=OutputSerializer,
                   summary="The caller's own bid result: reviews with reasons, score and rank "
                           "(春风行动 第17条; 87号令 第69条)")
    def get(self, request, pk):
        bid = own_bid(request, pk)  # another's: 404
        outcome = bid_outcome(bid)
        award = outcome.get("award")
        if award is not None:
            clock = outcome.get("sign_clock")
            award = {"id": award.pk, "amount": award.amount, "confirmed_at": award.confirmed_at,
                     "assistant": outcome["assistant"].display_name,
                     "assistant_phone": outcome["assistant_phone"],
                     "sign_due": clock.due_at if clock else None}
        return Response(self.OutputSerializer({
            "bid": bid.pk, "lot": bid.lot_id, "project_code": bid.lot.project.code,
            "status": bid.status, "lot_status": bid.lot.status, "published": bool(outcome),
            "reviews": outcome.get("reviews", []), "result": outcome.get("result"),
            "award": award}).data)
