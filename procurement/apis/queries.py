"""Questions to bidders during evaluation (87号令 第51、59、60条): the chair asks and
decides, the bidder answers."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForSupplier
from core.http import client_ip

from .. import services
from ..models import BidQuery
from ..selectors import actions_of, committee_seat, opened_bids
from .bidding import own_bid


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
    actions = serializers.SerializerMethodField(
        help_text="What may be done now (steps.BID_QUERY): answer or confirm (the bidder), "
                  "accept or reject (the chair)")

    class Meta:
        ref_name = "BidQuery"

    def get_actions(self, obj) -> list[str]:
        return actions_of(obj)


def member_lot(request, pk):
    """The lot of the caller's committee seat, and the seat; 404 to anyone else."""
    seat = committee_seat(lot_pk=pk, user=request.user)
    if seat is None:
        raise NotFound
    return seat.committee.lot, seat


class ExplanationRequestApi(APIView):
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(required=False, allow_blank=True, default="",
                                         help_text="Blank: the standard wording of 第60条")

        class Meta:
            ref_name = "ExplanationInput"

    @extend_schema(request=InputSerializer, responses={201: BidQuerySerializer},
                   summary="The chair asks a bidder to explain an abnormally low price "
                           "(87号令 第60条)")
    def post(self, request, pk, bid_pk):
        lot, _seat = member_lot(request, pk)
        bid = get_object_or_404(opened_bids(lot), pk=bid_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = services.explanation_request(bid=bid, actor=request.user,
                                             ip=client_ip(request), **serializer.validated_data)
        return Response(BidQuerySerializer(query).data, status=status.HTTP_201_CREATED)


class QueryDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        accepted = serializers.BooleanField()
        reason = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="Required when not accepted: the bidder is "
                                                 "told")

        class Meta:
            ref_name = "QueryDecideInput"

    @extend_schema(request=InputSerializer, responses=BidQuerySerializer,
                   summary="The chair accepts an explanation or treats the bid as invalid")
    def post(self, request, pk, query_pk):
        lot, _seat = member_lot(request, pk)
        query = get_object_or_404(BidQuery, pk=query_pk, bid__lot=lot)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = services.bid_query_decide(query=query, actor=request.user,
                                          ip=client_ip(request), **serializer.validated_data)
        return Response(BidQuerySerializer(query).data)


class BidQueryListApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(responses=BidQuerySerializer(many=True),
                   summary="The committee's questions about the caller's own bid")
    def get(self, request, pk):
        bid = own_bid(request, pk)
        return Response(BidQuerySerializer(bid.queries.select_related("bid__supplier"),
                                           many=True).data)


class QueryAnswerApi(APIView):
    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        confirm = serializers.BooleanField(required=False, allow_null=True, default=None,
                                           help_text="Price correction: confirm or decline")
        answer = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text="Abnormally low price: the written "
                                                 "explanation")

        class Meta:
            ref_name = "QueryAnswerInput"

    @extend_schema(request=InputSerializer, responses=BidQuerySerializer,
                   summary="The bidder answers: confirms a corrected price (declining makes "
                           "the bid invalid, 第59条) or explains its price (第60条)")
    def post(self, request, pk, query_pk):
        bid = own_bid(request, pk)
        query = get_object_or_404(BidQuery, pk=query_pk, bid=bid)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        query = services.bid_query_answer(query=query, user=request.user,
                                          ip=client_ip(request), **serializer.validated_data)
        return Response(BidQuerySerializer(query).data)
