"""The upload check: size, real content whatever the suffix, a workbook's unpacked size read
from its zip directory (a bomb is refused before a byte is unpacked), caps on rows and columns.
No database is needed."""

import codecs
import io
import struct
import zipfile
import zlib

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory, override_settings
from django.utils import translation

from reach.common.uploads import (
    MB,
    LimitedUploadHandler,
    UploadRefused,
    check_columns,
    check_rows,
    check_upload,
    received_file,
    refused_upload,
)

CSV = "household_code,full_name\nHH-1,Nguyễn Văn An\nHH-1,王小红\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook(rows: int = 3, columns: int = 2) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for row in range(rows):
        sheet.write_row(row, 0, [f"r{row}c{column}" for column in range(columns)])
    book.close()
    return out.getvalue()


def bomb(unpacked_mb: int = 300) -> bytes:
    """A workbook of a few KB whose one sheet declares `unpacked_mb` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = bytes(MB)
            for _ in range(unpacked_mb):
                sheet.write(zeros)
    return out.getvalue()


def lying_workbook(unpacked_mb: float) -> bytes:
    """A workbook of a few KB, written byte by byte, whose sheet inflates to `unpacked_mb` of
    zeros while its local header and the zip's directory declare it no larger than its
    compressed bytes (a ratio of 1 to 1)."""
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": bytes(int(unpacked_mb * MB)),
    }
    out, directory = bytearray(), bytearray()
    for name, data in parts.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = packer.compress(data) + packer.flush()
        declared = len(packed) if name.endswith("sheet1.xml") else len(data)
        crc, encoded = zlib.crc32(data), name.encode()
        sizes = (crc, len(packed), declared, len(encoded), 0)
        directory += struct.pack("<4s4H", b"PK\x01\x02", 20, 20, 0, zipfile.ZIP_DEFLATED)
        directory += struct.pack("<2HL2L2H", 0, 0, *sizes)
        directory += struct.pack("<3H2L", 0, 0, 0, 0, len(out)) + encoded
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0, *sizes) + encoded
        out += packed
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 3, 3, len(directory), len(out), 0)
    return bytes(out + directory + end)


class Sized(io.BytesIO):
    """An upload whose size Django reports without the bytes being there (a 25 MB upload)."""

    def __init__(self, content: bytes, size: int) -> None:
        super().__init__(content)
        self.size = size


def refusal(content: bytes, name: str) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        check_upload(io.BytesIO(content), name)
    return caught.value


def test_a_25_mb_file_is_refused_413_naming_the_limit_and_its_size():
    refused = refusal(b"a,b\n" * (25 * MB // 4), "households.csv")
    assert (refused.limit, refused.status) == ("size", 413)
    assert "25 MB" in str(refused) and "limit is 20 MB" in str(refused)
    assert "Split it" in str(refused)


class Counting(FileUploadHandler):
    """A handler after the limited one: what it was given of the file."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return SimpleUploadedFile("kept", b"")


def posted(content: bytes, handler: type[FileUploadHandler] = Counting):
    data = {"file": SimpleUploadedFile("households.csv", content), "note": "kept"}
    request = RequestFactory().post("/imports/", data)
    after = handler(request)
    request.upload_handlers = [LimitedUploadHandler(request), after]
    return request, after


def test_a_25_mb_file_is_skipped_as_it_arrives_with_the_limit_named_and_the_form_kept():
    request, after = posted(b"a,b\n" * (25 * MB // 4))
    assert "file" not in request.FILES and request.POST["note"] == "kept"
    assert after.received <= 20 * MB  # the handlers that store a file never got more
    refused = refused_upload(request)
    assert refused is not None and (refused.limit, refused.status) == ("size", 413)
    assert "The file is 25 MB; the limit is 20 MB" in str(refused)
    with pytest.raises(UploadRefused, match="the limit is 20 MB"):
        received_file(request)


def test_a_file_under_the_limit_passes_the_handler_whole():
    request, after = posted(b"a,b\n" * 1000)
    assert refused_upload(request) is None and received_file(request) is not None
    assert after.received == 4000


def test_the_size_limit_follows_the_setting():
    with override_settings(REACH_UPLOAD_MAX_MB=1):
        assert refusal(b"a,b\n" * MB, "x.csv").limit == "size"
    assert check_upload(Sized(b"a,b\n", 19 * MB), "x.csv").kind == "csv"


def test_a_small_xlsx_that_would_inflate_past_the_cap_is_refused_before_it_is_unpacked(
    monkeypatch,
):
    content = bomb(300)
    assert len(content) < 320 * 1024  # deflate packs a MB of zeros into about 1 KB

    def unpacking(*args, **kwargs):
        raise AssertionError("a member of the bomb was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpacking)
    refused = refusal(content, "households.xlsx")
    assert refused.limit == "unzipped" and refused.status == 422
    assert "300 MB" in str(refused) and "limit is 200 MB" in str(refused)


def test_a_2_kb_workbook_past_a_lower_cap_is_refused_by_its_declared_size():
    content = bomb(2)
    assert len(content) < 3 * 1024
    with override_settings(REACH_UPLOAD_MAX_UNZIPPED_MB=1):
        refused = refusal(content, "households.xlsx")
    assert refused.limit == "unzipped" and "2 MB; the limit is 1 MB" in str(refused)


def test_a_member_compressed_past_the_ratio_is_refused_even_under_the_unpacked_cap():
    refused = refusal(bomb(50), "households.xlsx")
    assert refused.limit == "ratio"
    assert "xl/worksheets/sheet1.xml" in str(refused) and "100 to 1" in str(refused)


def test_a_1_kb_workbook_whose_directory_lies_is_refused_by_what_it_really_unpacks_to():
    content = lying_workbook(1.5)
    assert len(content) < 2 * 1024
    declared = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())
    assert declared < 2 * 1024  # the directory alone would let it through
    with override_settings(REACH_UPLOAD_MAX_UNZIPPED_MB=1):
        refused = refusal(content, "households.xlsx")
    assert (refused.limit, refused.status) == ("unzipped", 422)
    assert "the limit is 1 MB" in str(refused)


def test_a_lying_member_is_refused_for_its_real_ratio_under_the_default_caps():
    refused = refusal(lying_workbook(50), "households.xlsx")  # about 50 KB declaring 1 to 1
    assert refused.limit == "ratio"
    assert "xl/worksheets/sheet1.xml" in str(refused) and "the limit is 100 to 1" in str(refused)


def test_the_real_inflation_stops_at_the_cap_and_holds_a_chunk_at_most(monkeypatch):
    outputs: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, *args):
            self.inflater = real(*args)

        def __getattr__(self, name):
            return getattr(self.inflater, name)

        def decompress(self, data, max_length):
            out = self.inflater.decompress(data, max_length)
            outputs.append(len(out))
            return out

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    with override_settings(REACH_UPLOAD_MAX_UNZIPPED_MB=1):
        assert refusal(lying_workbook(100), "households.xlsx").limit == "unzipped"
    assert max(outputs) <= 64 * 1024
    assert sum(outputs) <= MB + 64 * 1024  # stopped past 1 MB, not after inflating 100 MB


def test_a_pdf_renamed_xlsx_or_csv_is_refused_for_what_it_is():
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    for name in ("households.xlsx", "households.csv"):
        refused = refusal(pdf, name)
        assert refused.limit == "type" and "a PDF document" in str(refused), name


def test_a_csv_renamed_xlsx_is_refused():
    refused = refusal(CSV.encode(), "households.xlsx")
    assert refused.limit == "type" and "a text file" in str(refused)


def test_a_zip_without_a_workbook_or_a_damaged_one_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "without a workbook" in str(refusal(out.getvalue(), "x.xlsx"))
    assert "damaged" in str(refusal(b"PK\x03\x04junk", "x.xlsx"))


def test_an_encrypted_zip_is_refused():
    content = bytearray(workbook())
    # general purpose flag bit 0 of every entry (local headers at 6, central directory at 8)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = content.find(signature)
        while start != -1:
            content[start + offset] |= 0x1
            start = content.find(signature, start + 4)
    assert "encrypted" in str(refusal(bytes(content), "x.xlsx"))


def test_an_old_xls_file_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert "old Excel .xls" in str(refusal(ole, "households.xlsx"))


def test_a_real_workbook_passes_with_its_rows_counted():
    upload = check_upload(io.BytesIO(workbook(rows=7)), "households.xlsx")
    assert (upload.kind, upload.lines) == ("xlsx", 7)


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF8 + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("utf-16"), "utf-16"),  # with its byte-order mark
        (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "utf-16"),
    ],
)
def test_utf8_and_utf16_csv_pass_with_their_codec_and_lines(encoded, encoding):
    upload = check_upload(io.BytesIO(encoded), "households.csv")
    assert (upload.kind, upload.encoding, upload.lines) == ("csv", encoding, 3)


def test_a_csv_in_another_encoding_or_with_nul_bytes_is_refused():
    assert "UTF-8" in str(refusal(CSV.encode("cp1258", errors="replace"), "x.csv"))
    assert "binary data" in str(refusal(b"a,b\n\x00\x01,c\n", "x.csv"))


def test_an_unknown_suffix_is_refused():
    assert refusal(CSV.encode(), "households.txt").limit == "type"


def test_the_caps_on_rows_and_columns_name_the_limit_and_the_files_value():
    check_rows(200_000)
    with pytest.raises(UploadRefused, match="at least 200001 data rows; the limit is 200000"):
        check_rows(200_001)
    check_columns(100)
    with override_settings(REACH_UPLOAD_MAX_COLUMNS=10):
        with pytest.raises(UploadRefused, match="11 columns; the limit is 10") as caught:
            check_columns(11)
    assert caught.value.limit == "columns"
