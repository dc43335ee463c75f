"""``GET /api/supervision/interceptions/``: the list of the page, for the finance bureau."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.permissions import ActsForFinance
from core.apis import paginated
from core.filters import check_filters, openapi_parameters

from .filters import InterceptionFilterSet
from .selectors import interception_rows, interceptions


class InterceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="event.pk")
    at = serializers.DateTimeField(source="event.at")
    kind = serializers.ChoiceField(choices=["refusal", "override"])
    action = serializers.CharField(source="event.action")
    what = serializers.CharField(help_text="The action in words")
    code = serializers.CharField(help_text="The rule's code, e.g. late, debarred")
    basis = serializers.CharField(help_text="The legal basis cited")
    message = serializers.CharField(help_text="The refusal as the person read it, or the "
                                              "justification of the override")
    person = serializers.CharField(source="event.actor_name")
    organization = serializers.CharField(source="event.organization.name", default=None,
                                         allow_null=True)
    record = serializers.CharField(source="event.object_repr")

    class Meta:
        ref_name = "Interception"


class _Rows:
    """The events as rows once the paginator has sliced them."""

    def __init__(self, events):
        self.events = events

    def count(self):
        return self.events.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        return interception_rows(self.events[key])


class InterceptionListApi(APIView):
    permission_classes = [ActsForFinance]

    @extend_schema(parameters=openapi_parameters(InterceptionFilterSet),
                   responses=InterceptionSerializer(many=True),
                   summary="Every refusal and every overridden warning (finance bureau)")
    def get(self, request):
        filterset = interceptions(filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, _Rows(filterset.qs), InterceptionSerializer)
