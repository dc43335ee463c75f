"""The one upload checker: archives are judged from their central directory and a bounded
read, never extracted to disk; polyglots (a PDF that is also a program or a ZIP) are
refused; real files of every accepted kind pass."""

import io
import random
import struct
import zipfile
import zlib

import pytest

from core import uploads
from core.exceptions import DomainError

MiB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Title (bid) >> endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def refused(name, data, **kw):
    with pytest.raises(DomainError) as exc:
        uploads.check(name, data, **kw)
    return exc.value


def pdf_with(body: bytes) -> bytes:
    """A PDF with ``body`` as the raw bytes of one stream."""
    return (b"%PDF-1.7\n1 0 obj\n<< /Length " + str(len(body)).encode() + b" >>\nstream\n"
            + body + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def zip_of(entries: dict, method=zipfile.ZIP_DEFLATED, level=None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method, compresslevel=level) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                 b'openxmlformats.org/package/2006/content-types"/>')


def docx(**extra) -> bytes:
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
                   "word/document.xml": "<w:document><w:body><w:p>投标函</w:p></w:body>"
                                        "</w:document>".encode(), **extra})


def pe() -> bytes:
    """The headers of a Windows program: MZ, e_lfanew at 0x3C, and PE\\0\\0 where it points."""
    dos = b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 0x80)
    dos += b"\x00" * (0x80 - len(dos))
    return dos + b"PE\x00\x00" + struct.pack("<HH", 0x8664, 3) + b"\x00" * 200


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + bytes(40)


def macho() -> bytes:
    return struct.pack("<IiiIII", 0xFEEDFACF, 0x01000007, 3, 2, 0, 0) + bytes(40)


def lie_about_size(data: bytes, entry: str, declared: int, crc: int | None = None) -> bytes:
    """The archive with ``entry``'s uncompressed size (and CRC) rewritten in both headers."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(entry)
    local = info.header_offset
    struct.pack_into("<I", out, local + 22, declared)
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(entry)] != entry.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", out, central + 24, declared)
    if crc is not None:
        struct.pack_into("<I", out, local + 14, crc)
        struct.pack_into("<I", out, central + 16, crc)
    return bytes(out)


@pytest.fixture(scope="module")
def bomb_512():
    """512 MiB of zeros in one entry: about half a megabyte on the wire."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("报价明细.bin", "w", force_zip64=True) as f:
            zeros = bytes(MiB)
            for _ in range(512):
                f.write(zeros)
    return buf.getvalue()


# --- archives --------------------------------------------------------------------------

def test_a_512_mib_zip_bomb_is_refused_from_its_central_directory(bomb_512):
    assert len(bomb_512) < 2 * MiB
    error = refused("投标文件.zip", bomb_512)
    assert error.code == "file_archive_size"
    assert "投标文件.zip" in str(error) and "200" in str(error)


def test_a_docx_zip_bomb_is_refused_by_its_compression_ratio():
    bomb = docx(**{"word/media/image1.bin": bytes(20 * MiB)})
    error = refused("技术方案.docx", bomb)
    assert error.code == "file_archive_ratio"
    assert "技术方案.docx" in str(error) and "word/media/image1.bin" in str(error)
    assert "100" in str(error)


def test_the_limits_come_from_settings(settings):
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = 1
    noise = random.Random(1).randbytes(2 * MiB)  # incompressible: ratio 1, only the size
    error = refused("资料.zip", zip_of({"a.bin": noise}))
    assert error.code == "file_archive_size" and "1 MB" in str(error)
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = 200
    settings.UPLOAD_ZIP_MAX_RATIO = 5
    error = refused("资料.zip", zip_of({"a.txt": b"a" * (2 * MiB)}))
    assert error.code == "file_archive_ratio"


def test_too_many_entries_are_refused_before_the_directory_is_read(settings):
    settings.UPLOAD_ZIP_MAX_ENTRIES = 10
    data = zip_of({f"{i}.txt": b"x" for i in range(11)})
    error = refused("资料.zip", data)
    assert error.code == "file_archive_entries" and "10" in str(error)
    uploads.check("资料.zip", zip_of({f"{i}.txt": b"x" for i in range(10)}))


def test_archives_nested_deeper_than_the_limit_are_refused(settings):
    settings.UPLOAD_ZIP_MAX_DEPTH = 2
    inner = zip_of({"方案.docx": docx()})  # a zip of Word files: depth 2, accepted
    uploads.check("资料.zip", inner)
    error = refused("资料.zip", zip_of({"inner.zip": inner}))
    assert error.code == "file_archive_depth" and "2" in str(error)


def test_a_nested_bomb_counts_towards_the_whole(settings):
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = 8
    inner = zip_of({"a.bin": random.Random(2).randbytes(5 * MiB)}, zipfile.ZIP_STORED)
    uploads.check("资料.zip", inner)
    error = refused("资料.zip", zip_of({"1.zip": inner}, zipfile.ZIP_STORED))
    assert error.code == "file_archive_size"


@pytest.mark.parametrize("crc_agrees", [False, True])
def test_an_entry_that_lies_about_its_size_is_refused(crc_agrees):
    """Declared 1 000 bytes, inflates to 64 MiB: the ratio and the total look harmless."""
    honest = docx(**{"word/media/image1.bin": bytes(64 * MiB)})
    liar = lie_about_size(honest, "word/media/image1.bin", 1000,
                          crc=zlib.crc32(bytes(1000)) if crc_agrees else None)
    error = refused("技术方案.docx", liar)
    assert error.code == "file_archive_damaged"
    assert "word/media/image1.bin" in str(error)


def test_entries_that_point_outside_the_archive_are_refused():
    error = refused("资料.zip", zip_of({"../../etc/cron.d/x": b"x"}))
    assert error.code == "file_archive_path"


def test_a_program_inside_an_archive_is_refused():
    error = refused("资料.zip", zip_of({"说明.pdf": PDF, "setup.pdf": pe()}))
    assert error.code == "file_executable" and "setup.pdf" in str(error)


def test_data_after_the_end_of_an_archive_is_refused():
    error = refused("资料.zip", zip_of({"a.txt": b"x"}) + pe())
    assert error.code in {"file_executable", "file_trailing"}
    error = refused("资料.zip", zip_of({"a.txt": b"x"}) + b"<script>alert(1)</script>" * 10)
    assert error.code == "file_trailing"


# --- polyglots ---------------------------------------------------------------------------

@pytest.mark.parametrize("program", [pe, elf, macho], ids=["pe", "elf", "mach-o"])
def test_a_pdf_carrying_a_program_is_refused(program):
    error = refused("投标文件.pdf", pdf_with(b"\x00" * 100 + program() + b"\x00" * 100))
    assert error.code == "file_executable" and "投标文件.pdf" in str(error)


def test_a_pdf_with_a_zip_appended_is_refused():
    error = refused("投标文件.pdf", PDF + zip_of({"payload.txt": b"x" * 100}))
    assert error.code == "file_polyglot"


def test_a_pdf_with_a_zip_hidden_before_its_end_is_refused():
    """The ZIP's end record within reach of a ZIP reader, the PDF's %%EOF last."""
    hidden = zip_of({"payload.txt": b"x" * 100})
    error = refused("投标文件.pdf", pdf_with(hidden))
    assert error.code == "file_polyglot"


def test_data_after_the_pdf_end_is_refused():
    error = refused("投标文件.pdf", PDF + b"<html><script>alert(1)</script></html>" * 5)
    assert error.code == "file_trailing"


def test_a_program_with_a_pdf_header_later_is_refused():
    error = refused("投标文件.pdf", pe() + PDF)
    assert error.code == "file_type"


def image(fmt: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def test_data_after_an_image_is_refused():
    assert refused("发票.png", image("PNG") + b"PK\x03\x04" + b"x" * 200).code == "file_trailing"
    assert refused("发票.jpg", image("JPEG") + b"#!/bin/sh\n" * 20).code == "file_trailing"


def test_a_truncated_image_is_refused():
    assert refused("发票.png", image("PNG")[:-12]).code == "file_incomplete"


# --- real files pass ---------------------------------------------------------------------

def test_a_real_pdf_passes():
    """WeasyPrint's output: compressed streams, a subset CJK font, an embedded image."""
    import base64

    from weasyprint import HTML

    png = base64.b64encode(image("PNG")).decode()
    pdf = HTML(string=f'<h1>中标通知书</h1><p>{"许昌市魏都区教育局 " * 200}</p>'
                      f'<img src="data:image/png;base64,{png}">').write_pdf()
    assert uploads.check("中标通知书.pdf", pdf) == "pdf"


def test_binary_noise_that_looks_like_headers_by_chance_passes():
    """MZ without a PE header where e_lfanew points, a bare \\x7fELF, PK without a
    directory: all occur in compressed streams by chance."""
    noise = (b"MZ" + b"\xff" * 100 + b"\x7fELF\x00\x00" + b"PK\x03\x04" + b"PE\x00\x00"
             + b"\xfe\xed\xfa\xce" + b"\x00" * 50)
    assert uploads.check("投标文件.pdf", pdf_with(noise * 50)) == "pdf"


def test_a_realistic_45_mib_pdf_and_zip_pass():
    noise = random.Random(45).randbytes(45 * MiB)
    assert uploads.check("扫描件.pdf", pdf_with(noise)) == "pdf"
    assert uploads.check("扫描件.zip", zip_of({"扫描件.pdf": noise}, level=1)) == "zip"


def test_incremental_updates_and_padding_after_eof_pass():
    updated = PDF + b"2 0 obj << >> endobj\ntrailer\n<< /Prev 9 >>\n%%EOF\r\n\x00\x00\n"
    assert uploads.check("投标文件.pdf", updated) == "pdf"


def test_images_pass_and_a_jpeg_may_carry_its_preview_images():
    assert uploads.check("发票.png", image("PNG")) == "png"
    jpeg = image("JPEG")
    assert uploads.check("发票.jpg", jpeg) == "jpeg"
    assert uploads.check("发票.jpg", jpeg + jpeg) == "jpeg"  # multi-picture (MPF) files


def test_word_excel_and_zip_files_pass():
    assert uploads.check("技术方案.docx", docx()) == "docx"
    xlsx = zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                   "xl/worksheets/sheet1.xml": b"<row/>" * 5000})
    assert uploads.check("报价表.xlsx", xlsx) == "xlsx"
    assert uploads.check("资料.zip", zip_of({"a/方案.docx": docx(), "a/": b""})) == "zip"


def test_the_field_named_in_a_refusal_is_the_callers():
    assert refused("发票.pdf", b"", field="file").field == "file"
    assert refused("发票.pdf", b"").field == "files"
