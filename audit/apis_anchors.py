from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .anchor import checkpoints_recent, key_fingerprint, public_key_b64, signed_text
from .views_anchors import PUBLISHED


class CheckpointSerializer(serializers.Serializer):
    name = serializers.CharField()
    valid = serializers.BooleanField()
    problem = serializers.CharField()
    payload = serializers.JSONField()
    signed_text = serializers.SerializerMethodField()
    signature = serializers.CharField()

    def get_signed_text(self, checkpoint) -> str:
        return signed_text(checkpoint.payload) if checkpoint.payload else ""


class AnchorListSerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="base64 of the raw Ed25519 public key")
    key_fingerprint = serializers.CharField(help_text="SHA-256 of the raw public key, hex")
    checkpoints = CheckpointSerializer(many=True)


class AuditAnchorListApi(APIView):
    """Public, like the page: outsiders keep copies the platform cannot take back."""

    permission_classes = [AllowAny]

    @extend_schema(auth=[], responses=AnchorListSerializer,
                   summary="The latest signed checkpoints of the audit chain, newest first, "
                           "with the Ed25519 public key that verifies them")
    def get(self, request):
        return Response(AnchorListSerializer({
            "algorithm": "Ed25519",
            "public_key": public_key_b64(),
            "key_fingerprint": key_fingerprint(),
            "checkpoints": checkpoints_recent(limit=PUBLISHED),
        }).data)
