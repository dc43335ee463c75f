"""Zero-cost online bidding: documents, sealed bids, the bidder's own bids, and the
opening table. Nothing here unseals or opens anything: the lot opens at its deadline by
the task scheduled for it (``tasks.open_project_at_deadline``)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from accounts.permissions import ActsForSupplier
from core.apis import StrictDecimalField, money_field, paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip

from .. import services
from ..filters import BidFilterSet
from ..models import Bid, Lot, Project
from ..selectors import (
    actions_of,
    bid_filterset,
    bids_of,
    lot_opening,
    lot_to_bid_on,
    opening_visible_to,
    priced_lines,
)
from .fields import JSONPartDict, JSONPartList

SCALES = ["large", "medium", "small", "micro"]
JSON_PART = {"contentType": "application/json"}


class BidReceiptSerializer(serializers.Serializer):
    """What a supplier may see of its own bid: the receipt, never the sealed content."""

    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    project_code = serializers.CharField(source="lot.project.code")
    status = serializers.ChoiceField(choices=Bid.Status.choices)
    sealed_at = serializers.DateTimeField()
    receipt_sha256 = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the bidder may do now (withdraw, until the deadline)")

    class Meta:
        ref_name = "BidReceipt"

    def get_files(self, obj) -> list[dict]:
        return [{"name": f.name, "kind": f.kind, "size": f.size, "sha256": f.sha256}
                for f in obj.files.all()]

    def get_actions(self, obj) -> list[str]:
        return actions_of(obj)


def own_bid(request, pk) -> Bid:
    """One of the caller's own bids; another supplier's answers 404."""
    return get_object_or_404(bids_of(request.organization), pk=pk)


class DocumentsObtainApi(APIView):
    permission_classes = [ActsForSupplier]

    class OutputSerializer(serializers.Serializer):
        project = serializers.IntegerField()
        obtained_at = serializers.DateTimeField()

        class Meta:
            ref_name = "DocumentsObtained"

    @extend_schema(request=None, responses=OutputSerializer,
                   summary="Obtain a project's documents, free of charge (recorded)")
    def post(self, request, pk):
        project = get_object_or_404(Project, pk=pk)
        download = services.documents_obtain(project=project, supplier=request.organization,
                                             user=request.user, ip=client_ip(request))
        return Response(self.OutputSerializer({"project": project.pk,
                                               "obtained_at": download.at}).data)


class ConsortiumMemberSerializer(serializers.Serializer):
    """Another member of a consortium bid; the caller is the lead member and keeps the
    rest of the contract (the shares are checked by the service: each more than 0, together
    less than 100)."""

    name = serializers.CharField(max_length=200)
    scale = serializers.ChoiceField(choices=Organization.Scale.choices,
                                    help_text="As in its 中小企业声明函 (财库〔2020〕46号)")
    share = StrictDecimalField(max_digits=5, decimal_places=2, min_value=0,
                               max_value=100, help_text="Its share of the contract, in %")

    class Meta:
        ref_name = "ConsortiumMember"
        list_serializer_class = JSONPartList


class SmeItemSerializer(serializers.Serializer):
    """One row of the 中小企业声明函 (财库〔2020〕46号): an item of the lot, who makes it
    (制造商, 承建方 or 承接方) and that maker's scale. List every item of the lot."""

    item = serializers.IntegerField(help_text="The id of an item of the lot "
                                              "(the notice's lots[].items[].id)")
    maker = serializers.CharField(max_length=200)
    maker_scale = serializers.ChoiceField(choices=SCALES)

    class Meta:
        ref_name = "SmeItem"
        list_serializer_class = JSONPartList


class BidSubmitApi(APIView):
    """Seal a bid. Multipart: ``files`` are file parts; ``consortium`` and ``sme_items``
    (lists) and ``unit_prices`` (an object) are each one part holding JSON — OpenAPI's encoding of a
    structured part, as the Swagger UI sends them."""

    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        price = money_field()
        price_words = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default="",
            help_text="The price in words (人民币大写), e.g. 伍拾万元整; where words and figures "
                      "differ, the words prevail (87号令 第59条)")
        unit_prices = JSONPartDict(
            child=money_field(positive=False, help_text="Yuan per unit"), required=False,
            default=dict,
            help_text="Itemised prices: the id of each of the lot's items (the notice's "
                      "lots[].items[].id) → its unit price. The quantities are the demand's. "
                      "Give all or none; an item left out is priced 0.")
        brand = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                      default="")
        model = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                      default="")
        sme_scale = serializers.ChoiceField(choices=SCALES)
        sme_items_by_smes = serializers.BooleanField(
            required=False, default=False,
            help_text="Older clients: every item is SME-made. With sme_items it follows "
                      "from them")
        sme_items = SmeItemSerializer(
            many=True, required=False, default=list,
            help_text="The SME declaration: each item of the lot with its maker and the "
                      "maker's scale. Goods earn the small/micro deduction only when every "
                      "item is made by a small or micro firm (财库〔2020〕46号 第4条)")
        consortium_control = serializers.BooleanField(
            required=False, default=False,
            help_text="A small/micro consortium member controls or is managed by another "
                      "member: no consortium deduction (财库〔2020〕46号 第9条)")
        consortium = ConsortiumMemberSerializer(
            many=True, required=False, default=list,
            help_text="A consortium bid: the other members (at most 5)")
        contact_name = serializers.CharField(max_length=50)
        contact_phone = serializers.CharField(max_length=30)
        files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
        device_id = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                          default="")

        class Meta:
            ref_name = "BidSubmit"

    @extend_schema(
        request={"multipart/form-data": OpenApiRequest(
            InputSerializer, encoding={"consortium": JSON_PART, "unit_prices": JSON_PART,
                                       "sme_items": JSON_PART})},
        responses={201: BidReceiptSerializer, 200: BidReceiptSerializer},
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="Any unique string per bid (at most 100 characters). A retry with "
                        "the same key answers 200 with the first bid and its receipt instead "
                        "of sealing a second one.")],
        summary="Seal a bid for a lot; the server clock decides lateness")
    def post(self, request, pk):
        # The items read once, here: for the unit prices' ids, the lines and the service's
        # SME declaration (bid_submit reads the lot itself, under its lock).
        lot = lot_to_bid_on(pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = priced_lines(lot=lot, unit_prices=_item_ids(lot, data.pop("unit_prices")))
        bid = services.bid_submit(
            lot=lot, supplier=request.organization, user=request.user, lines=lines,
            files=[services.Upload(f.name, f.read()) for f in data.pop("files")],
            ip=client_ip(request),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100], **data)
        if getattr(bid, "replayed", False):
            # A retry of a request already served: the same bid and receipt, not a new one.
            return Response(BidReceiptSerializer(bid).data, status=status.HTTP_200_OK,
                            headers={"Idempotent-Replayed": "true"})
        return Response(BidReceiptSerializer(bid).data, status=status.HTTP_201_CREATED)


def _item_ids(lot: Lot, unit_prices: dict) -> dict:
    """The unit prices by the lot's item ids; a key naming no item of the lot is refused
    as not found."""
    items = {item.pk for item in lot.items.all()}
    prices = {}
    for key, price in unit_prices.items():
        pk = int(key) if str(key).isdigit() else None
        if pk not in items:
            raise serializers.ValidationError(
                {"unit_prices": [serializers.ErrorDetail(
                    f"{key!r} is not the id of an item of this lot.",
                    code="does_not_exist")]})
        prices[pk] = price
    return prices


class BidListApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(responses=BidReceiptSerializer(many=True),
                   parameters=openapi_parameters(BidFilterSet),
                   summary="The caller's own bids")
    def get(self, request):
        filterset = bid_filterset(supplier=request.organization, filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, BidReceiptSerializer)


class BidDetailApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(responses=BidReceiptSerializer, summary="One of the caller's bids")
    def get(self, request, pk):
        return Response(BidReceiptSerializer(own_bid(request, pk)).data)


class BidWithdrawApi(APIView):
    permission_classes = [ActsForSupplier]

    @extend_schema(request=None, responses=BidReceiptSerializer,
                   summary="Withdraw a sealed bid before the deadline")
    def post(self, request, pk):
        bid = services.bid_withdraw(bid=own_bid(request, pk), user=request.user,
                                    ip=client_ip(request))
        return Response(BidReceiptSerializer(bid).data)


class OpeningRowSerializer(serializers.Serializer):
    supplier = serializers.CharField()
    price = serializers.DecimalField(max_digits=16, decimal_places=2,
                                     help_text="As sealed (a correction does not rewrite it)")
    price_words = serializers.CharField(help_text="As sealed (人民币大写), if given")
    brand = serializers.CharField()
    model = serializers.CharField()
    scale = serializers.CharField()
    sealed_at = serializers.DateTimeField()
    receipt = serializers.CharField()

    class Meta:
        ref_name = "OpeningRow"


class OpeningApi(APIView):
    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField(help_text="The lot's status (as in its project's lots)")
        opened_at = serializers.DateTimeField(allow_null=True)
        failure_reason = serializers.CharField()
        due = serializers.BooleanField(
            help_text="The deadline has passed and the lot is being opened: ask again in a "
                      "minute")
        rows = OpeningRowSerializer(many=True)

        class Meta:
            ref_name = "Opening"

    @extend_schema(responses=OutputSerializer,
                   summary="The opening table (开标一览表): empty until the lot is opened")
    def get(self, request, pk):
        lot = get_object_or_404(Lot.objects.select_related("project"), pk=pk)
        if not opening_visible_to(lot=lot, organization=request.organization):
            raise NotFound
        return Response(self.OutputSerializer(lot_opening(lot)).data)
