"""The one checker every uploaded file goes through (bid files, invoices): what a file is by
its bytes, not by its name.

1. Size: at most ``BID_FILE_MAX_MB``, and not empty.
2. Kind by magic bytes; the name's extension must agree.
3. No program inside: a Windows (PE), Linux (ELF) or macOS (Mach-O) executable header
   anywhere in the bytes — or in any archive entry — refuses the file.
4. ZIP-based files (ZIP, Word, Excel) are judged from the central directory, never
   extracted to disk: the number of entries, the total declared size, each entry's
   compression ratio and how deep archives nest are bounded by the ``UPLOAD_ZIP_*``
   settings. Each entry is then inflated in bounded chunks to confirm it is what the
   directory declares (a bomb that lies about its size is caught after one chunk).
5. Nothing after the file's own end (%%EOF, IEND, EOI, the ZIP end record) beyond a few
   bytes of padding, and a PDF or image must not also open as a ZIP archive: such
   polyglots are read differently by different programs.

Refusals are ``DomainError``s naming the file (and the entry, and the limit). Nothing is
stored here; callers store only what this accepted.
"""

import io
import itertools
import re
import struct
import zipfile
import zlib

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
ARCHIVES = {"zip", "docx", "xlsx"}

CHUNK = 1 << 20
# Bytes that may follow a file's end marker: the line ends and NUL padding some programs
# write. Anything else beyond TRAILING_MARGIN bytes is a second file riding along.
PADDING = b" \t\r\n\x0c\x00"
TRAILING_MARGIN = 64
# Small entries compress well and harmlessly (a blank sheet's XML); the ratio counts from
# here, the total size bounds what is below.
RATIO_FLOOR = 1 << 20
# The furthest an MZ header may point to its PE header (e_lfanew) that we look for;
# real programs use a few hundred bytes.
MAX_LFANEW = 1 << 16

_MZ = re.compile(rb"MZ")
_CPU_LE = rb"(?:\x07|\x0c|\x12)\x00\x00[\x00-\x02]"  # x86, ARM, PowerPC; 32 or 64 bits
_CPU_BE = rb"[\x00-\x02]\x00\x00(?:\x07|\x0c|\x12)"
# (magic, the whole header): ELF's class, byte order and version; Mach-O's CPU and file
# type; a universal Mach-O's architecture count and first CPU. Searched only where the
# magic occurs, which in a document is almost never.
_NATIVE = [(magic, re.compile(re.escape(magic) + rest, re.DOTALL)) for magic, rest in [
    (b"\x7fELF", rb"[\x01\x02][\x01\x02]\x01"),
    (b"\xce\xfa\xed\xfe", _CPU_LE + rb".{4}[\x01-\x0b]\x00\x00\x00"),
    (b"\xcf\xfa\xed\xfe", _CPU_LE + rb".{4}[\x01-\x0b]\x00\x00\x00"),
    (b"\xfe\xed\xfa\xce", _CPU_BE + rb".{4}\x00\x00\x00[\x01-\x0b]"),
    (b"\xfe\xed\xfa\xcf", _CPU_BE + rb".{4}\x00\x00\x00[\x01-\x0b]"),
    (b"\xca\xfe\xba\xbe", rb"\x00\x00\x00[\x01-\x14]" + _CPU_BE),
    (b"\xca\xfe\xba\xbf", rb"\x00\x00\x00[\x01-\x14]" + _CPU_BE),
]]
# A JPEG marker after entropy-coded data: FF not followed by a stuffed 00, RSTn or fill FF.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_PADDING_RUN = re.compile(rb"[ \t\r\n\x0c\x00]*")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
               struct.error, NotImplementedError, RuntimeError, zlib.error)


class _Damaged(Exception):
    """An archive entry is not what its directory declares."""


class _Check:
    def __init__(self, name: str, field: str):
        self.name, self.field = name, field
        self.budget = 0  # uncompressed bytes declared so far, nested archives included

    def refuse(self, message, code: str, **params):
        raise DomainError(message, params={"name": self.name, **params}, code=code,
                          field=self.field)


def detect(head: bytes, data: bytes) -> str | None:
    """The kind by magic bytes; ZIP files are told apart by their entries' names."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except _ZIP_ERRORS:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return "zip"
    return None


def check(name: str, data: bytes, *, field: str = "files") -> str:
    """The detected kind, or a translated refusal that names the file (and the limit).

    ``field`` is the form field the refusal belongs to."""
    c = _Check(name, field)
    limit = settings.BID_FILE_MAX_MB * 1024 * 1024
    if len(data) > limit:
        c.refuse(_("“%(name)s” is larger than %(mb)s MB."), "file_too_large",
                 mb=settings.BID_FILE_MAX_MB)
    if not data:
        c.refuse(_("“%(name)s” is empty."), "file_empty")
    if data.startswith(b"PK\x03\x04"):
        _check_entry_count(c, data)  # before the directory is parsed into memory
    kind = detect(data[:16], data)
    if kind is None:
        c.refuse(_("“%(name)s” is not a PDF, Word, Excel, ZIP, PNG or JPEG file."),
                 "file_type")
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in KINDS[kind]:
        c.refuse(_("“%(name)s” contains a %(kind)s file but is named otherwise; rename it or "
                   "upload the right file."), "file_mismatch", kind=kind.upper())
    if _has_program(data):
        c.refuse(_("“%(name)s” contains a program (an executable file); only documents "
                   "and images are accepted."), "file_executable")
    if kind in ARCHIVES:
        _check_archive(c, data, depth=1)
        end = _zip_end(data)
    else:
        if _opens_as_zip(data):
            c.refuse(_("“%(name)s” is a %(kind)s file and a ZIP archive at once; upload the "
                       "%(kind)s file alone."), "file_polyglot", kind=kind.upper())
        end = {"pdf": _pdf_end, "png": _png_end, "jpeg": _jpeg_end}[kind](data)
        if end is None:
            c.refuse(_("“%(name)s” is not a complete %(kind)s file."), "file_incomplete",
                     kind=kind.upper())
    if len(data[end:].strip(PADDING)) > TRAILING_MARGIN:
        c.refuse(_("“%(name)s” carries other data after the end of its %(kind)s content; "
                   "save it again from the program that made it."), "file_trailing",
                 kind=kind.upper())
    return kind


# --- programs ---------------------------------------------------------------------------

def _has_program(buf) -> bool:
    """An executable header anywhere in ``buf``. Compressed streams hold "MZ" by chance
    every 64 KiB or so, so a Windows program counts only with "PE\\0\\0" where its
    e_lfanew points; ELF and Mach-O need their whole header, not the magic alone."""
    if any(magic in buf and header.search(buf) for magic, header in _NATIVE):
        return True
    if buf.find(b"PE\x00\x00") < 0:
        return False
    # A file dense with MZ and PE markers is not a document; no need to walk them all.
    if buf.count(b"MZ") > 64 + len(buf) // 256:
        return True
    size = len(buf)
    for m in _MZ.finditer(buf):
        at = m.start() + 0x3C
        if at + 4 > size:
            break
        lfanew = int.from_bytes(buf[at:at + 4], "little")
        target = m.start() + lfanew
        if 4 <= lfanew <= MAX_LFANEW and buf[target:target + 4] == b"PE\x00\x00":
            return True
    return False


# --- archives ---------------------------------------------------------------------------

def _end_record(data) -> int:
    """Offset of the ZIP end-of-central-directory record, or -1."""
    return data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))


def _declared_entries(data) -> int | None:
    end = _end_record(data)
    if end < 0 or end + 22 > len(data):
        return None
    entries = struct.unpack_from("<H", data, end + 10)[0]
    if entries == 0xFFFF and end >= 20 and data[end - 20:end - 16] == b"PK\x06\x07":
        record = struct.unpack_from("<Q", data, end - 12)[0]  # the ZIP64 end record
        if data[record:record + 4] == b"PK\x06\x06" and record + 40 <= len(data):
            entries = struct.unpack_from("<Q", data, record + 32)[0]
    return entries


def _zip_end(data) -> int:
    end = _end_record(data)
    return end + 22 + struct.unpack_from("<H", data, end + 20)[0]


def _opens_as_zip(data) -> bool:
    entries = _declared_entries(data)
    if entries is None:
        return False
    if entries > settings.UPLOAD_ZIP_MAX_ENTRIES:
        return True  # a directory that big is an archive, whatever else it is
    try:
        return bool(zipfile.ZipFile(io.BytesIO(data)).infolist())
    except _ZIP_ERRORS:
        return False


def _check_entry_count(c: _Check, data) -> None:
    limit = settings.UPLOAD_ZIP_MAX_ENTRIES
    entries = _declared_entries(data)
    if entries is not None and entries > limit:
        c.refuse(_("“%(name)s” holds more than %(limit)s files; an archive may hold at most "
                   "%(limit)s."), "file_archive_entries", limit=limit)


def _check_archive(c: _Check, data, *, depth: int) -> None:
    """Steps 3 and 4 of the module docstring for one archive, and recursively for the
    archives inside it."""
    max_mb = settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB
    max_ratio = settings.UPLOAD_ZIP_MAX_RATIO
    _check_entry_count(c, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS:
        c.refuse(_("“%(name)s” is a damaged archive."), "file_archive_damaged")
    if len(infos) > settings.UPLOAD_ZIP_MAX_ENTRIES:  # the directory belies its end record
        c.refuse(_("“%(name)s” holds more than %(limit)s files; an archive may hold at most "
                   "%(limit)s."), "file_archive_entries", limit=settings.UPLOAD_ZIP_MAX_ENTRIES)
    c.budget += sum(info.file_size for info in infos)
    if c.budget > max_mb * 1024 * 1024:
        c.refuse(_("“%(name)s” would expand to more than %(mb)s MB; an archive may expand "
                   "to at most %(mb)s MB."), "file_archive_size", mb=max_mb)
    spans = []
    for info in infos:
        entry = info.filename[:120]
        path = info.filename.replace("\\", "/")
        if path.startswith("/") or re.match(r"[A-Za-z]:", path) or ".." in path.split("/"):
            c.refuse(_("“%(name)s”: “%(entry)s” would be unpacked outside the archive's "
                       "folder."), "file_archive_path", entry=entry)
        if info.flag_bits & 0x1:
            c.refuse(_("“%(name)s”: “%(entry)s” is password-protected; upload it without a "
                       "password."), "file_archive_encrypted", entry=entry)
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(
                info.compress_size, 1):
            c.refuse(_("“%(name)s”: “%(entry)s” is compressed more than %(ratio)s to 1, as a "
                       "zip bomb is; it is refused."), "file_archive_ratio", entry=entry,
                     ratio=max_ratio)
        spans.append((*_data_span(c, data, info), info))
    spans.sort(key=lambda span: span[0])
    for (_start, end, info), (next_start, _end, _info) in itertools.pairwise(spans):
        if end > next_start:  # entries sharing compressed data: the overlapping-file bomb
            _damaged(c, info)
    for start, end, info in spans:
        if not info.is_dir():
            _check_entry(c, archive, data, info, start, end, depth=depth)


def _data_span(c: _Check, data, info) -> tuple[int, int]:
    """Where the entry's local header starts and its compressed data ends."""
    at = info.header_offset
    if at < 0 or data[at:at + 4] != b"PK\x03\x04" or at + 30 > len(data):
        _damaged(c, info)
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    end = at + 30 + name_len + extra_len + info.compress_size
    if end > len(data):
        _damaged(c, info)
    return at, end


def _damaged(c: _Check, info) -> None:
    c.refuse(_("“%(name)s”: “%(entry)s” is not what the archive declares (damaged, or "
               "made to deceive); it is refused."), "file_archive_damaged",
             entry=info.filename[:120])


def _check_entry(c: _Check, archive, data, info, start, end, *, depth: int) -> None:
    """Inflate one entry in bounded chunks: exactly its declared size and CRC, no program
    inside (the last 64 KiB carried over, so no header hides across a chunk boundary),
    and, if it is itself an archive, the same checks one level down."""
    entry = info.filename[:120]
    crc, carry, head, kept = 0, b"", b"", []  # kept: the chunks of a nested archive
    try:
        for chunk in _inflate(archive, data, info, start, end):
            crc = zlib.crc32(chunk, crc)
            window = carry + chunk
            if _has_program(window):
                c.refuse(_("“%(name)s”: “%(entry)s” is a program (an executable file); only "
                           "documents and images are accepted."), "file_executable",
                         entry=entry)
            carry = window[-MAX_LFANEW:]
            if len(head) < 4:
                head = (head + chunk)[:4]
            if len(head) < 4 or head == b"PK\x03\x04":
                kept.append(chunk)
            else:
                kept.clear()
    except (_Damaged, *_ZIP_ERRORS):
        _damaged(c, info)
    if crc != info.CRC:
        _damaged(c, info)
    if head == b"PK\x03\x04":
        if depth >= settings.UPLOAD_ZIP_MAX_DEPTH:
            c.refuse(_("“%(name)s” nests archives more than %(depth)s deep (“%(entry)s”)."),
                     "file_archive_depth", depth=settings.UPLOAD_ZIP_MAX_DEPTH, entry=entry)
        _check_archive(c, b"".join(kept), depth=depth + 1)


def _inflate(archive, data, info, start, end):
    """The entry's bytes, chunk by chunk, never more than its declared size: the directory
    is believed only as far as the compressed stream agrees with it."""
    declared = info.file_size
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    body = memoryview(data)[start + 30 + name_len + extra_len:end]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(body) != declared:
            raise _Damaged
        for pos in range(0, len(body), CHUNK):
            yield bytes(body[pos:pos + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        # bzip2 and LZMA: zipfile reads no further than the declared size, then checks
        # the CRC over what it read.
        produced = 0
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                produced += len(chunk)
                yield chunk
        if produced != declared:
            raise _Damaged
        return
    inflater = zlib.decompressobj(-15)
    produced, pos = 0, 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            feed = inflater.unconsumed_tail
        else:
            feed = body[pos:pos + CHUNK]
            pos += len(feed)
        out = inflater.decompress(feed, CHUNK)
        if not out and not feed:
            break  # input used up, nothing more comes out: a truncated stream
        produced += len(out)
        if produced > declared:
            raise _Damaged  # more than declared: the size in the directory is a lie
        if out:
            yield out
    if not inflater.eof or produced != declared:
        raise _Damaged


# --- where a PDF or an image ends -------------------------------------------------------

def _pdf_end(data) -> int | None:
    at = data.rfind(b"%%EOF")
    return None if at < 0 else at + 5


def _png_end(data) -> int | None:
    at, size = 8, len(data)
    while at + 12 <= size:
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at if at <= size else None
    return None


def _jpeg_end(data) -> int | None:
    """After the last EOI of the image and of any images that follow it directly (the
    previews a camera stores after the main image: CIPA multi-picture format)."""
    end = _jpeg_image_end(data, 0)
    for _image in range(16):
        if end is None:
            return None
        after = _PADDING_RUN.match(data, end).end()
        if not data.startswith(b"\xff\xd8\xff", after):
            break
        end = _jpeg_image_end(data, after)
    return end


def _jpeg_image_end(data, start: int) -> int | None:
    at, size = start + 2, len(data)
    while at < size:
        if data[at] != 0xFF:
            return None
        while at < size and data[at] == 0xFF:
            at += 1
        if at >= size:
            return None
        marker = data[at]
        at += 1
        if marker == 0xD9:
            return at
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            continue
        if at + 2 > size:
            return None
        length = int.from_bytes(data[at:at + 2], "big")
        if length < 2 or at + length > size:
            return None
        at += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            found = _JPEG_MARKER.search(data, at)
            if found is None:
                return None
            at = found.start()
    return None
