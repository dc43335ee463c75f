from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .registry import profile_name, rules_in_force


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.CharField(allow_null=True)
    maximum = serializers.CharField(allow_null=True)
    unit = serializers.CharField()
    basis = serializers.CharField()
    verify = serializers.BooleanField()
    overridden = serializers.BooleanField()


class RuleListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=RuleSerializer(many=True), auth=[],
                   summary="The statutory rules in force, with their legal bases")
    def get(self, request):
        rules = sorted(rules_in_force().values(), key=lambda r: r.code)
        return Response({"profile": profile_name(),
                         "rules": RuleSerializer(rules, many=True).data})
