"""The portal's search as an API: ``GET /api/portal/notices/`` — the same FilterSet, the
same order and the same highlighted snippet as the ``/notices/`` page, for anyone."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.apis import paginated
from core.filters import check_filters, openapi_parameters

from ..filters import PublicationFilterSet
from ..models import PublicationKind
from ..search.backends import get_backend
from ..selectors import capped_count, publication_search

NOTES = {
    "q": "(the words, cut as Chinese words: every one must be found)",
    "mode": "(full: title, text and parties; title: the title only)",
    "ordering": "(relevance is the default when q is given, newest otherwise)",
    "kind": "(repeat the parameter for several kinds: kind=tender&kind=result)",
    "published": "(the last day, 3 days, week, month … counted in Asia/Shanghai days)",
    "published_from": "(a day, inclusive, Asia/Shanghai)",
    "published_to": "(a day, inclusive, Asia/Shanghai)",
    "purchaser": "(an organisation's id, or a part of its name)",
    "agency": "(an organisation's id, or a part of its name)",
    "region": "(a GB/T 2260 code: 410000 takes in every region of Henan)",
    "catalogue": "(a 政府采购品目 code or its prefix, e.g. A0201)",
}


# Yuan, at most 14 digits before the point and 2 after (Publication.amount).
AMOUNT = {"type": "string", "pattern": r"^\d{1,14}(\.\d{1,2})?$"}


def _parameters():
    """``openapi_parameters`` documents the filters; the kind takes several values, and
    the amounts, the region and the catalogue code have their shapes."""
    kinds = [value for value, _label in PublicationKind.choices]
    special = {
        "kind": {"type": "array", "items": {"type": "string", "enum": kinds}},
        "amount_min": AMOUNT, "amount_max": AMOUNT,
        "region": {"type": "string", "pattern": r"^\d{2,12}$"},
        "catalogue": {"type": "string", "pattern": r"^[A-Za-z0-9]{1,30}$"},
    }
    parameters = openapi_parameters(PublicationFilterSet, NOTES)
    for i, parameter in enumerate(parameters):
        if parameter.name in special:
            parameters[i] = OpenApiParameter(
                parameter.name, special[parameter.name], OpenApiParameter.QUERY,
                required=False, description=parameter.description,
                explode=True if parameter.name == "kind" else None)
    return parameters


class PublicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    title = serializers.CharField()
    url = serializers.CharField(help_text="The notice's own page")
    snippet = serializers.CharField(
        help_text="HTML: a part of the text around the first word found, the words in "
                  "<mark>, everything else escaped")
    project_code = serializers.CharField()
    purchaser = serializers.CharField(source="purchaser.name", allow_null=True,
                                      default=None)
    agency = serializers.CharField(source="agency.name", allow_null=True, default=None)
    region_code = serializers.CharField()
    category = serializers.CharField()
    method = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                      help_text="Yuan")
    published_at = serializers.DateTimeField()

    class Meta:
        ref_name = "PortalNotice"


class PortalNoticeListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PublicationOutputSerializer(many=True), auth=[],
                   parameters=_parameters(),
                   summary="Search the published notices (Chinese full text)",
                   description="`count` is counted up to 10,001, which means more than "
                               "10,000: narrow the search. Ordered by relevance (the "
                               "default with `q`), the 200 newest matches are ranked; "
                               "order by date to page through all of them.")
    def get(self, request):
        filterset = publication_search(filters=request.query_params)
        check_filters(filterset)
        page = _Snippets(filterset.qs, filterset.query)
        return paginated(self, request, page, PublicationOutputSerializer)


class _Snippets:
    """The queryset, each row of the page given its snippet once it is fetched (the
    paginator slices it)."""

    def __init__(self, queryset, query):
        self.queryset, self.query = queryset, query

    def count(self):
        # Counted up to COUNT_CAP + 1, which means "more" (selectors.capped_count).
        return capped_count(self.queryset)

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        rows = list(self.queryset[key])
        backend = get_backend()
        for row in rows:
            row.snippet = backend.highlight(row.body, self.query)
        return rows


urlpatterns = [
    path("portal/notices/", PortalNoticeListApi.as_view(), name="portal-notice-list"),
]
