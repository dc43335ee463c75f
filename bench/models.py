import uuid

from django.conf import settings
from django.db import models

from procurement.models.bid import private_storage


def _baseline_path(instance, filename):
    return f"bench/{uuid.uuid4().hex}.bin"


class BaselineUpload(models.Model):
    """One row of the same-run baseline (``bench.apis.BaselineUploadApi``): what the
    smallest honest upload endpoint writes — who, the stored file, when. No sealing, no
    checks, no audit, so the bid endpoint's figure is read as a multiple of this one.
    The file goes to the storage the sealed bid files use (``private``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    blob = models.FileField(upload_to=_baseline_path, storage=private_storage, max_length=300)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    def __str__(self):
        return f"baseline upload #{self.pk}"
