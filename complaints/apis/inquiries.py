"""API of the inquiries part: ask, answer, list, detail (one view per operation)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsFor, ActsForSupplier, acting_organization
from core.apis import paginated
from core.filters import check_filters, openapi_parameters
from core.http import client_ip
from procurement.models import Project

from ..filters_inquiries import InquiryFilterSet
from ..selectors_inquiries import inquiry_detail, inquiry_filterset, inquiry_or_404
from ..services.inquiries import ASKABLE, inquiry_answer, inquiry_ask


class ActsForAnyOrganization(ActsFor, BasePermission):
    """Any person acting for an organisation; the selectors scope what it sees."""

    allowed_kinds = ()


class InquirySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField(source="project.code")
    supplier = serializers.CharField(source="supplier.name")
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    status = serializers.CharField()
    answer = serializers.CharField()
    answered_for = serializers.CharField(source="answered_for.name", default=None)
    answered_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Inquiry"


class InquiryDetailSerializer(InquirySerializer):
    answer_due_at = serializers.SerializerMethodField()
    answer_basis = serializers.SerializerMethodField()

    def get_answer_due_at(self, obj) -> str | None:
        clock = self.context.get("clock")
        return clock.due_at.isoformat() if clock else None

    def get_answer_basis(self, obj) -> str:
        clock = self.context.get("clock")
        return clock.basis if clock else ""

    class Meta:
        ref_name = "InquiryDetail"


def _answer(inquiry, code=status.HTTP_200_OK):
    detail = inquiry_detail(inquiry)
    return Response(InquiryDetailSerializer(detail["inquiry"],
                                            context={"clock": detail["clock"]}).data,
                    status=code)


class InquiryAskApi(APIView):
    permission_classes = [ActsForSupplier]

    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=5000)

        class Meta:
            ref_name = "InquiryAsk"

    @extend_schema(request=InputSerializer, responses={201: InquiryDetailSerializer},
                   summary="Ask about an announced project (询问; answered within 3 working "
                           "days, 条例 第52条)")
    def post(self, request, pk):
        # A project not announced is not public: as if it did not exist.
        project = get_object_or_404(Project.objects.filter(status__in=ASKABLE), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry = inquiry_ask(project=project, supplier=request.organization,
                              user=request.user, ip=client_ip(request),
                              **serializer.validated_data)
        return _answer(inquiry, status.HTTP_201_CREATED)


class InquiryAnswerApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=5000)

        class Meta:
            ref_name = "InquiryAnswer"

    @extend_schema(request=InputSerializer, responses=InquiryDetailSerializer,
                   summary="Answer an inquiry in writing: the purchaser or its agency")
    def post(self, request, pk):
        inquiry = inquiry_or_404(pk=pk, user=request.user, organization=request.organization)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry_answer(inquiry=inquiry, user=request.user, organization=request.organization,
                       ip=client_ip(request), **serializer.validated_data)
        inquiry.refresh_from_db()
        return _answer(inquiry)


class InquiryListApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=InquirySerializer(many=True),
                   parameters=openapi_parameters(InquiryFilterSet),
                   summary="Inquiries the caller sees: its own (supplier), about its projects "
                           "(purchaser, agency), all (finance bureau)")
    def get(self, request):
        filterset = inquiry_filterset(user=request.user,
                                      organization=acting_organization(request),
                                      filters=request.query_params)
        check_filters(filterset)
        return paginated(self, request, filterset.qs, InquirySerializer)


class InquiryDetailApi(APIView):
    permission_classes = [ActsForAnyOrganization]

    @extend_schema(responses=InquiryDetailSerializer, summary="One inquiry and its answer")
    def get(self, request, pk):
        return _answer(inquiry_or_404(pk=pk, user=request.user,
                                      organization=request.organization))


urlpatterns = [
    path("projects/<int:pk>/inquiries/", InquiryAskApi.as_view(), name="inquiry-ask"),
    path("inquiries/", InquiryListApi.as_view(), name="inquiry-list"),
    path("inquiries/<int:pk>/", InquiryDetailApi.as_view(), name="inquiry-detail"),
    path("inquiries/<int:pk>/answer/", InquiryAnswerApi.as_view(), name="inquiry-answer"),
]
