"""Check an uploaded bid file by its content (magic bytes), not by its name alone."""

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

# kind → the extensions a file of that content may carry
KINDS = {
    "pdf": {".pdf"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "zip": {".zip"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}


def detect(head: bytes, data: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return "zip"
    return None


def check(name: str, data: bytes) -> str:
    """The detected kind, or a translated refusal that names the file."""
    limit = settings.BID_FILE_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise DomainError(_("“%(name)s” is larger than %(mb)s MB."),
                          params={"name": name, "mb": settings.BID_FILE_MAX_MB},
                          code="file_too_large", field="files")
    if not data:
        raise DomainError(_("“%(name)s” is empty."), params={"name": name},
                          code="file_empty", field="files")
    kind = detect(data[:16], data)
    if kind is None:
        raise DomainError(_("“%(name)s” is not a PDF, Word, Excel, ZIP, PNG or JPEG file."),
                          params={"name": name}, code="file_type", field="files")
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in KINDS[kind]:
        raise DomainError(
            _("“%(name)s” contains a %(kind)s file but is named otherwise; rename it or "
              "upload the right file."), params={"name": name, "kind": kind.upper()},
            code="file_mismatch", field="files")
    return kind
