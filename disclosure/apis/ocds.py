"""Open Contracting Data Standard 1.1 (public, read-only): release packages, record
packages, each project's releases, and the files of our complaints extension."""

import datetime as dt
import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..ocds import packages
from ..ocds.releases import absolute, code_from_ocid, project_releases, public_projects
from ..ocds.standard import EXTENSIONS_DIR

PAGE_SIZE = 20  # projects per page of the release list


class PublisherSerializer(serializers.Serializer):
    name = serializers.CharField()
    uri = serializers.URLField()

    class Meta:
        ref_name = "OcdsPublisher"


class PackageSerializer(serializers.Serializer):
    """The metadata every OCDS package carries."""
    uri = serializers.URLField()
    version = serializers.CharField(help_text="OCDS version: 1.1")
    extensions = serializers.ListField(child=serializers.URLField())
    publisher = PublisherSerializer()
    license = serializers.URLField()
    publicationPolicy = serializers.URLField()
    publishedDate = serializers.DateTimeField()


class ReleasePackageSerializer(PackageSerializer):
    releases = serializers.ListField(child=serializers.JSONField(),
                                     help_text="OCDS releases, oldest first")

    class Meta:
        ref_name = "OcdsReleasePackage"


class PackageLinksSerializer(serializers.Serializer):
    next = serializers.URLField(required=False)
    prev = serializers.URLField(required=False)

    class Meta:
        ref_name = "OcdsPackageLinks"


class PagedReleasePackageSerializer(ReleasePackageSerializer):
    links = PackageLinksSerializer(required=False)

    class Meta:
        ref_name = "OcdsPagedReleasePackage"


class RecordPackageSerializer(PackageSerializer):
    packages = serializers.ListField(child=serializers.URLField())
    records = serializers.ListField(child=serializers.JSONField(),
                                    help_text="One record: linked releases and compiledRelease")

    class Meta:
        ref_name = "OcdsRecordPackage"


class OcdsReleaseListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        ocid = serializers.CharField(required=False)
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)
        page = serializers.IntegerField(required=False, min_value=1, default=1)

    @extend_schema(
        responses=PagedReleasePackageSerializer, auth=[],
        parameters=[
            OpenApiParameter("ocid", OpenApiTypes.STR,
                             description="One contracting process (prefix-project number)"),
            OpenApiParameter("since", OpenApiTypes.DATETIME,
                             description="Releases dated at or after (ISO 8601)"),
            OpenApiParameter("until", OpenApiTypes.DATETIME,
                             description="Releases dated at or before (ISO 8601)"),
            OpenApiParameter("page", OpenApiTypes.INT,
                             description=f"Page of {PAGE_SIZE} contracting processes")],
        summary="OCDS release package: every stage's releases, paged")
    def get(self, request):
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        projects = public_projects().order_by("-announced_at", "-pk")
        if "ocid" in query:
            projects = projects.filter(code=code_from_ocid(query["ocid"]) or "")
        page = query["page"]
        chunk = list(projects[(page - 1) * PAGE_SIZE:page * PAGE_SIZE + 1])
        releases = []
        for project in chunk[:PAGE_SIZE]:
            for release in project_releases(project):
                if _within(release, query.get("since"), query.get("until")):
                    releases.append(release)
        releases.sort(key=lambda r: r["date"])
        package = packages.release_package(releases, uri=request.build_absolute_uri())
        links = {}
        base = absolute(request.path)
        params = request.query_params.copy()
        if len(chunk) > PAGE_SIZE:
            params["page"] = page + 1
            links["next"] = f"{base}?{params.urlencode()}"
        if page > 1:
            params["page"] = page - 1
            links["prev"] = f"{base}?{params.urlencode()}"
        if links:
            package["links"] = links
        return Response(package)


def _within(release: dict, since, until) -> bool:
    date = dt.datetime.fromisoformat(release["date"])
    return (since is None or date >= since) and (until is None or date <= until)


class OcdsRecordApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=RecordPackageSerializer, auth=[],
                   summary="OCDS record package of one contracting process, compiled")
    def get(self, request, ocid):
        project = get_object_or_404(public_projects(), code=code_from_ocid(ocid) or "")
        return Response(packages.record_package(project))


class OcdsProjectReleasePackageApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=ReleasePackageSerializer, auth=[],
                   summary="OCDS release package of one project: all its releases")
    def get(self, request, pk):
        project = get_object_or_404(public_projects(), pk=pk)
        if not project_releases(project):
            raise Http404
        return Response(packages.project_release_package(project))


@require_GET
def extension_file(request, name, filename):
    """Our extension's files, at the URL the packages' ``extensions`` list names."""
    folder = (EXTENSIONS_DIR / name).resolve()
    target = (folder / filename).resolve()
    if (not folder.is_relative_to(EXTENSIONS_DIR) or not target.is_relative_to(folder)
            or not target.is_file()):
        raise Http404
    content_type = {".json": "application/json", ".csv": "text/csv",
                    ".md": "text/markdown"}.get(target.suffix, mimetypes.guess_type(target)[0])
    return FileResponse(target.open("rb"), content_type=f"{content_type}; charset=utf-8")


urlpatterns = [
    path("ocds/releases/", OcdsReleaseListApi.as_view(), name="ocds-release-list"),
    path("ocds/records/<str:ocid>/", OcdsRecordApi.as_view(), name="ocds-record"),
    path("ocds/projects/<int:pk>/release-package/", OcdsProjectReleasePackageApi.as_view(),
         name="ocds-project-release-package"),
    path("ocds/extensions/<slug:name>/<path:filename>", extension_file,
         name="ocds-extension-file"),
]
