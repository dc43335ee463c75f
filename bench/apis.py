"""The same-run baseline of the bid rush, mounted only by ``bench.settings``."""

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ActsForSupplier

from .models import BaselineUpload


class BaselineUploadApi(APIView):
    """What procurement.apis.bidding.BidSubmitApi does less everything it is for: the same
    authentication (the session, with DRF's CSRF check), the same permission (a logged-in
    supplier), multipart parsed the same way, the file read and stored in the same storage,
    one row inserted. No sealing, no checks, no audit: the bid rush's figures are read as
    multiples of this endpoint's, served by the same server in the same run."""

    permission_classes = [ActsForSupplier]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        data = upload.read()
        row = BaselineUpload(user=request.user, organization=request.organization,
                             size=len(data), created_at=timezone.now())
        row.blob.save("baseline.bin", ContentFile(data), save=False)
        row.save()
        return Response({"id": row.pk, "size": row.size}, status=status.HTTP_201_CREATED)
