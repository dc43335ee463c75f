from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.apis import paginated

from .selectors import audit_events_for


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    action = serializers.CharField()
    object_repr = serializers.CharField()
    detail = serializers.JSONField()
    ip = serializers.CharField(allow_null=True)
    hash = serializers.CharField()


class AuditEventListApi(APIView):
    @extend_schema(responses=AuditEventSerializer(many=True),
                   summary="Audit events: the caller's organisation, or all for the finance "
                           "bureau; bidding events of a lot not yet opened only to the bidder")
    def get(self, request):
        qs = audit_events_for(user=request.user, organization=request.organization)
        action = request.query_params.get("action")
        if action:
            qs = qs.filter(action=action)
        return paginated(self, request, qs, AuditEventSerializer)
