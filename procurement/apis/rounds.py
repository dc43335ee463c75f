"""The negotiation API: the same services as the negotiation pages (``services.rounds``),
one view per operation, and the same read models (``selectors.negotiation_workspace`` /
``negotiation_for_supplier``).

The team reaches its lot through its committee seat (404 to anyone else); a supplier
reaches only its own bid. A final quotation's price is returned only once opened."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForSupplier
from core.apis import StrictDecimalField
from core.http import client_ip

from .. import services
from ..models import Bid, Negotiation
from ..selectors import negotiation_for_supplier, negotiation_workspace
from .bidding import own_bid
from .queries import member_lot


class NegotiationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Negotiation.Status.choices)
    round = serializers.IntegerField()
    final_deadline = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Negotiation"


class ChangeSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    text = serializers.CharField()
    at = serializers.DateTimeField()

    class Meta:
        ref_name = "DocumentChange"


class SessionSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    notes = serializers.CharField()
    at = serializers.DateTimeField()

    class Meta:
        ref_name = "NegotiationSession"


class RowSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid.pk")
    supplier = serializers.CharField(source="bid.supplier.name")
    still_in = serializers.BooleanField()
    sessions = SessionSerializer(many=True)
    quote_in = serializers.BooleanField()
    final_price = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)

    class Meta:
        ref_name = "NegotiationRow"


class WorkspaceSerializer(serializers.Serializer):
    negotiation = NegotiationSerializer(allow_null=True)
    round = serializers.IntegerField()
    rows = RowSerializer(many=True)
    changes = ChangeSerializer(many=True)

    class Meta:
        ref_name = "NegotiationWorkspace"


def _workspace(lot) -> Response:
    return Response(WorkspaceSerializer(negotiation_workspace(lot)).data)


def _bid(lot, pk) -> Bid:
    return get_object_or_404(Bid, pk=pk, lot=lot)


class NegotiationApi(APIView):
    @extend_schema(responses=WorkspaceSerializer,
                   summary="The team's negotiation: suppliers, sessions, changes, quotations")
    def get(self, request, pk):
        lot, _seat = member_lot(request, pk)
        return _workspace(lot)


class SessionApi(APIView):
    class InputSerializer(serializers.Serializer):
        notes = serializers.CharField()

        class Meta:
            ref_name = "NegotiationSessionInput"

    @extend_schema(request=InputSerializer, responses=WorkspaceSerializer,
                   summary="Record this round's session with one supplier (74号令 第31条)")
    def post(self, request, pk, bid_pk):
        lot, _seat = member_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.negotiation_session_record(lot=lot, bid=_bid(lot, bid_pk), actor=request.user,
                                            ip=client_ip(request), **serializer.validated_data)
        return _workspace(lot)


class ChangeApi(APIView):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField()

        class Meta:
            ref_name = "DocumentChangeInput"

    @extend_schema(request=InputSerializer, responses=WorkspaceSerializer,
                   summary="Send a written change to every supplier still in (74号令 第32条)")
    def post(self, request, pk):
        lot, _seat = member_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.document_change_issue(lot=lot, actor=request.user, ip=client_ip(request),
                                       **serializer.validated_data)
        return _workspace(lot)


class ExcludeApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

        class Meta:
            ref_name = "NegotiationExcludeInput"

    @extend_schema(request=InputSerializer, responses=WorkspaceSerializer,
                   summary="Exclude a supplier not meeting the requirements, with the reason")
    def post(self, request, pk, bid_pk):
        lot, _seat = member_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.negotiation_exclude(lot=lot, bid=_bid(lot, bid_pk), actor=request.user,
                                     ip=client_ip(request), **serializer.validated_data)
        return _workspace(lot)


class RoundApi(APIView):
    @extend_schema(request=None, responses=WorkspaceSerializer,
                   summary="Begin the next round, once every supplier still in was met")
    def post(self, request, pk):
        lot, _seat = member_lot(request, pk)
        services.negotiation_round_next(lot=lot, actor=request.user, ip=client_ip(request))
        return _workspace(lot)


class FinalCallApi(APIView):
    class InputSerializer(serializers.Serializer):
        deadline = serializers.DateTimeField()

        class Meta:
            ref_name = "FinalCallInput"

    @extend_schema(request=InputSerializer, responses=WorkspaceSerializer,
                   summary="Call for final quotations by a deadline (74号令 第33条)")
    def post(self, request, pk):
        lot, _seat = member_lot(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.final_quotes_call(lot=lot, actor=request.user, ip=client_ip(request),
                                   **serializer.validated_data)
        return _workspace(lot)


class FinalOpenApi(APIView):
    @extend_schema(request=None, responses=WorkspaceSerializer,
                   summary="Open the final quotations at their deadline (server clock)")
    def post(self, request, pk):
        lot, _seat = member_lot(request, pk)
        services.final_quotes_open(lot=lot, actor=request.user, ip=client_ip(request))
        return _workspace(lot)


class FinalQuoteSerializer(serializers.Serializer):
    submitted_at = serializers.DateTimeField()
    receipt_sha256 = serializers.CharField()
    price = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                     help_text="Null until the final quotations are opened")

    class Meta:
        ref_name = "FinalQuote"


class SupplierNegotiationSerializer(serializers.Serializer):
    negotiation = NegotiationSerializer(allow_null=True)
    changes = ChangeSerializer(many=True)
    sessions = SessionSerializer(many=True)
    quote = FinalQuoteSerializer(allow_null=True)

    class Meta:
        ref_name = "SupplierNegotiation"


class BidNegotiationApi(APIView):
    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        price = StrictDecimalField(max_digits=16, decimal_places=2)

        class Meta:
            ref_name = "FinalQuoteInput"

    @extend_schema(responses=SupplierNegotiationSerializer,
                   summary="The changes sent to the supplier, its sessions, its quotation")
    def get(self, request, pk):
        return Response(SupplierNegotiationSerializer(
            negotiation_for_supplier(own_bid(request, pk))).data)

    @extend_schema(request=InputSerializer, responses=SupplierNegotiationSerializer,
                   summary="Seal the final quotation, before its deadline (server clock)")
    def post(self, request, pk):
        bid = own_bid(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.final_quote_submit(bid=bid, actor=request.user, ip=client_ip(request),
                                    **serializer.validated_data)
        return Response(SupplierNegotiationSerializer(negotiation_for_supplier(bid)).data,
                        status=201)
