from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.apis import paginated
from core.http import client_ip

from . import services
from .models import Organization
from .selectors import memberships_of, organization_search, organizations_visible_to
from .throttles import RegistrationThrottle
from .validators import MOBILE_RE, normalize_credit_code, validate_credit_code, validate_mobile


class OrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    credit_code = serializers.CharField()
    region_code = serializers.CharField()
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    scale = serializers.CharField()
    is_foreign_invested = serializers.BooleanField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class MembershipSerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    real_name = serializers.CharField()
    mobile = serializers.CharField()
    email = serializers.CharField()
    active_organization = serializers.IntegerField(allow_null=True)
    memberships = MembershipSerializer(many=True)
    is_expert = serializers.BooleanField()


class MeApi(APIView):
    @extend_schema(responses=MeSerializer, summary="The caller, their organisations and roles")
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk, "username": user.username, "real_name": user.real_name,
            "mobile": user.mobile, "email": user.email,
            "active_organization": request.organization.pk if request.organization else None,
            "memberships": memberships_of(user),
            "is_expert": hasattr(user, "expert_profile"),
        }
        return Response(MeSerializer(data).data)


class OrganizationListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, default="")
        kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False,
                                       allow_blank=True, default="")

    @extend_schema(parameters=[FilterSerializer], responses=OrganizationSerializer(many=True),
                   summary="Organisations visible to the caller")
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = organizations_visible_to(user=request.user, organization=request.organization)
        qs = organization_search(queryset=qs, **filters.validated_data)
        return paginated(self, request, qs, OrganizationSerializer)


class OrganizationDetailApi(APIView):
    @extend_schema(responses=OrganizationSerializer, summary="One organisation (404 outside scope)")
    def get(self, request, pk):
        qs = organizations_visible_to(user=request.user, organization=request.organization)
        return Response(OrganizationSerializer(get_object_or_404(qs, pk=pk)).data)


class SupplierRegisterApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle]

    class SupplierRegisterInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        credit_code = serializers.CharField(max_length=22)
        scale = serializers.ChoiceField(choices=Organization.Scale.choices)
        is_foreign_invested = serializers.BooleanField(default=False)
        address = serializers.CharField(max_length=300)
        contact_name = serializers.CharField(max_length=50)
        contact_phone = serializers.CharField(max_length=30)
        contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
        username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
        password = serializers.CharField(write_only=True, trim_whitespace=False)
        real_name = serializers.CharField(max_length=50)
        # Documented by its pattern (and checked by validate_mobile for the message).
        mobile = serializers.CharField(max_length=11, validators=[
            RegexValidator(MOBILE_RE, code="mobile",
                           message=_("Enter an 11-digit mainland mobile number, e.g. "
                                     "13800138000."))])

        def validate_credit_code(self, value):
            code = normalize_credit_code(value)
            try:
                validate_credit_code(code)
            except Exception as exc:  # Django ValidationError → DRF's
                raise serializers.ValidationError(list(exc.messages),
                                                  code=getattr(exc, "code", None)) from exc
            return code

        def validate_mobile(self, value):
            try:
                validate_mobile(value)
            except Exception as exc:
                raise serializers.ValidationError(list(exc.messages)) from exc
            return value

    @extend_schema(request=SupplierRegisterInputSerializer, responses={201: OrganizationSerializer},
                   summary="Register a supplier, free of charge (春风行动 19)", auth=[])
    def post(self, request):
        serializer = self.SupplierRegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.supplier_register(ip=client_ip(request),
                                                **serializer.validated_data)
        return Response(OrganizationSerializer(membership.organization).data,
                        status=status.HTTP_201_CREATED)
