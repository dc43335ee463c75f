from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.apis import paginated

from .selectors import audit_events_for

# core.refusals names every refusal ``<entity>.<verb>_refused`` (the admin's ``admin.refused``).
REFUSAL_SUFFIX = "refused"


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    action = serializers.CharField()
    object_repr = serializers.CharField()
    detail = serializers.JSONField()
    ip = serializers.CharField(allow_null=True)
    # The event's place in the hash chain; both null while its sealing is pending
    # (the sealer links events into the chain seconds after they commit).
    seq = serializers.IntegerField(source="chain_seal.seq", allow_null=True, default=None)
    hash = serializers.CharField(allow_null=True)


class AuditEventListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        action = serializers.CharField(required=False, default="", allow_blank=True,
                                       max_length=80, help_text="One action code, exactly")
        refused = serializers.BooleanField(
            required=False, default=False,
            help_text="Only refusals (every caller's, recorded by core.refusals)")

    @extend_schema(parameters=[FilterSerializer], responses=AuditEventSerializer(many=True),
                   summary="Audit events: the caller's organisation, or all for the finance "
                           "bureau; bidding events of a lot not yet opened only to the bidder")
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = audit_events_for(user=request.user, organization=request.organization)
        if filters.validated_data["action"]:
            qs = qs.filter(action=filters.validated_data["action"])
        if filters.validated_data["refused"]:
            qs = qs.filter(action__endswith=REFUSAL_SUFFIX)
        return paginated(self, request, qs, AuditEventSerializer)
