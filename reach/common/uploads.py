"""The one check of an uploaded table (a household file, a payment-result file) before anything
of it is parsed or staged: its size, what it really holds whatever its name says, and, for a
workbook, how large it would unpack; then the caps on rows and columns, checked while it is read.

    upload = check_upload(file, "hh.xlsx")   # raises UploadRefused, else says how to read it
    check_columns(len(headings)); check_rows(count)   # as the reader goes

A file too large is refused while it arrives: `LimitedUploadHandler` (first of
FILE_UPLOAD_HANDLERS) counts each uploaded file's bytes and skips the file once they pass
REACH_UPLOAD_MAX_MB, so nothing of it is written past the limit (the rest of the request is
read and thrown away, so the browser gets the answer). The view asks `received_file(request)`,
which raises the refusal (413, the limit named) instead of answering that no file was sent.

A workbook is a zip holding `[Content_Types].xml` and `xl/workbook.xml`; its members' declared
sizes are added up and their compression ratios checked from the zip's directory alone, so a
small file that says it would inflate to gigabytes is refused before a byte of it is unpacked.
A zip's directory can lie, so each member is then inflated for real, a chunk at a time and
thrown away, counting the bytes: the check stops as soon as they pass the same caps, before the
spreadsheet reader sees the file. A CSV
must decode as UTF-8 (with or without a byte-order mark) or UTF-16 (with one) and hold no NUL.
Every refusal names the limit, the file's value and how to split the file.

Limits (settings): REACH_UPLOAD_MAX_MB (20), REACH_UPLOAD_MAX_UNZIPPED_MB (200),
REACH_UPLOAD_MAX_RATIO (100), REACH_UPLOAD_MAX_ROWS (200 000), REACH_UPLOAD_MAX_COLUMNS (100).
"""

import codecs
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from reach.common.errors import DomainError

MB = 1024 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
RATIO_FLOOR = MB  # a member unpacking to less than this is small whatever its ratio
MAX_MEMBERS = 10_000
CHUNK = MB
SHEET_HEAD = 64 * 1024  # the part of a worksheet where its <dimension> element is
INFLATE_CHUNK = 64 * 1024  # the most of a member read, or inflated, at a time
# A member's local header (APPNOTE 4.3.7): signature, versions, flags, method, time, date, CRC,
# sizes, then the lengths of its name and extra field, which the member's data follows.
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?\""
)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


class UploadRefused(DomainError):
    """The file is refused before it is read: `limit` names the rule, `status` is the HTTP status
    that answers it (413 for a file too large, else 422)."""

    def __init__(self, message: str, *, limit: str, status: int = 422) -> None:
        super().__init__(message)
        self.limit = limit
        self.status = status


@dataclass(frozen=True)
class Limits:
    size: int  # bytes
    unzipped: int  # bytes
    ratio: int
    rows: int
    columns: int


@dataclass(frozen=True)
class Upload:
    """What a checked file is and how to read it."""

    kind: str  # "xlsx" or "csv"
    encoding: str  # the CSV's codec ("utf-8-sig" or "utf-16"); "" for a workbook
    size: int  # bytes
    lines: int  # the lines (CSV) or rows (the workbook's first sheet) it holds, heading included


def upload_limits() -> Limits:
    return Limits(
        size=int(getattr(settings, "REACH_UPLOAD_MAX_MB", 20) * MB),
        unzipped=int(getattr(settings, "REACH_UPLOAD_MAX_UNZIPPED_MB", 200) * MB),
        ratio=int(getattr(settings, "REACH_UPLOAD_MAX_RATIO", 100)),
        rows=int(getattr(settings, "REACH_UPLOAD_MAX_ROWS", 200_000)),
        columns=int(getattr(settings, "REACH_UPLOAD_MAX_COLUMNS", 100)),
    )


def _split() -> str:
    return _(
        "Split it into smaller files (for example one per commune or per school) and upload "
        "them one after another."
    )


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def check_upload(file: IO[bytes], filename: str) -> Upload:
    """Check `file` (named `filename`) before it is parsed; raises UploadRefused. The file is
    left at its start."""
    limits = upload_limits()
    name = filename.lower()
    if not name.endswith(XLSX_SUFFIXES + CSV_SUFFIXES):
        raise UploadRefused(
            _("Unsupported file type %(name)s: upload an .xlsx or .csv file") % {"name": filename},
            limit="type",
        )
    size = _size(file)
    if size > limits.size:
        raise _too_large(size, limits)
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    try:
        if name.endswith(XLSX_SUFFIXES):
            return Upload("xlsx", "", size, _check_workbook(file, filename, head, limits))
        encoding, lines = _check_csv(file, filename, head)
        return Upload("csv", encoding, size, lines)
    finally:
        file.seek(0)


def _too_large(size: int, limits: Limits) -> UploadRefused:
    message = _("The file is %(size)s MB; the limit is %(limit)s MB. %(split)s") % {
        "size": _megabytes(size),
        "limit": _megabytes(limits.size),
        "split": _split(),
    }
    return UploadRefused(message, limit="size", status=413)


REFUSAL = "reach_upload_refused"  # the attribute of the request that holds the refusal


class LimitedUploadHandler(FileUploadHandler):
    """Skip an uploaded file once its bytes pass REACH_UPLOAD_MAX_MB, before the handlers after
    it (memory, temporary file) receive them, and leave the refusal on the request for
    `received_file`. The other fields of the form (its CSRF token) are kept."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limits().size
        self.declared: int | None = None

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],  # noqa: N803 -- Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.declared = content_length or None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        received = start + len(raw_data)
        if received > self.limit:
            # The request's length, when it says one, is the file's size and its form fields.
            size = max(self.declared or 0, received)
            if self.request is not None:
                setattr(self.request, REFUSAL, _too_large(size, upload_limits()))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one make the file


def refused_upload(request: HttpRequest) -> UploadRefused | None:
    """The refusal of a file skipped while it arrived, if one was."""
    request.FILES  # noqa: B018 -- the upload handlers run as the body is parsed
    refused = getattr(request, REFUSAL, None)
    return refused if isinstance(refused, UploadRefused) else None


def received_file(request: HttpRequest, field: str = "file") -> UploadedFile | None:
    """The file uploaded as `field`, None when none was sent; raises UploadRefused (413) when
    one was skipped as too large while it arrived."""
    refused = refused_upload(request)
    if refused is not None:
        raise refused
    return request.FILES.get(field)


def check_rows(count: int) -> None:
    """Refuse a file once its data rows pass the cap (called as they are read)."""
    limit = upload_limits().rows
    if count > limit:
        message = _(
            "The file has at least %(rows)s data rows; the limit is %(limit)s rows. %(split)s"
        ) % {"rows": count, "limit": limit, "split": _split()}
        raise UploadRefused(message, limit="rows")


def check_columns(count: int) -> None:
    """Refuse a row wider than the cap on columns."""
    limit = upload_limits().columns
    if count > limit:
        message = _(
            "The file has %(columns)s columns; the limit is %(limit)s columns. Delete the "
            "columns the import does not use (the template lists those it reads) and upload "
            "the file again."
        ) % {"columns": count, "limit": limit}
        raise UploadRefused(message, limit="columns")


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    return file.tell()


def _found(head: bytes) -> str | None:
    """What the first bytes of a file say it is, when they say."""
    if head.startswith(b"%PDF"):
        return _("a PDF document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _("an old Excel .xls file or a password-protected workbook")
    if head.startswith(b"PK"):
        return _("a zip archive")
    return None


def _not_a_workbook(filename: str, found: str) -> UploadRefused:
    message = _(
        "%(name)s is not an Excel workbook (it is %(found)s): open it in your spreadsheet "
        "program and save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”."
    ) % {"name": filename, "found": found}
    return UploadRefused(message, limit="type")


def _check_workbook(file: IO[bytes], filename: str, head: bytes, limits: Limits) -> int:
    """Refuse what is not a plain xlsx, or would unpack past the caps; the first sheet's rows."""
    if not head.startswith(b"PK\x03\x04"):
        raise _not_a_workbook(filename, _described(head))
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_workbook(filename, _("a damaged zip archive")) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if not all(part in names for part in WORKBOOK_PARTS):
            raise _not_a_workbook(filename, _("a zip archive without a workbook"))
        if len(members) > MAX_MEMBERS or any(
            member.flag_bits & 0x1
            or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            for member in members
        ):
            raise _not_a_workbook(filename, _("an encrypted or unusual zip archive"))
        _check_unpacked(members, limits)
        _check_inflated(file, members, archive.start_dir, limits)
        return _sheet_rows(archive, names)


def _too_unpacked(unpacked: int, limits: Limits) -> UploadRefused:
    message = _(
        "The workbook would unpack to %(size)s MB; the limit is %(limit)s MB. %(split)s"
    ) % {
        "size": _megabytes(unpacked),
        "limit": _megabytes(limits.unzipped),
        "split": _split(),
    }
    return UploadRefused(message, limit="unzipped")


def _too_compressed(part: str, ratio: float, limits: Limits) -> UploadRefused:
    message = _(
        "A part of the workbook (%(part)s) is compressed %(ratio)s to 1; the limit is "
        "%(limit)s to 1, above which a file is treated as a compression bomb. Open the "
        "file in your spreadsheet program, save it again as .xlsx or “CSV UTF-8”, or "
        "split it into smaller files."
    ) % {"part": part, "ratio": int(ratio), "limit": limits.ratio}
    return UploadRefused(message, limit="ratio")


def _check_unpacked(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """The cheap check, from the sizes the zip's directory declares."""
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.unzipped:
        raise _too_unpacked(unpacked, limits)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limits.ratio:
            raise _too_compressed(member.filename, ratio, limits)


def _check_inflated(
    file: IO[bytes], members: list[zipfile.ZipInfo], end: int, limits: Limits
) -> None:
    """The check that trusts no declared size: inflate every compressed member from its local
    header on, at most INFLATE_CHUNK in and out at a time, and stop once the bytes it really
    unpacks to pass the caps. A member's data ends at the next member (or the directory), so no
    part of the file is read twice; a stored member is no larger than the file itself."""
    by_offset = sorted(members, key=lambda member: member.header_offset)
    ends = [member.header_offset for member in by_offset[1:]] + [end]
    unpacked = 0
    for member, member_end in zip(by_offset, ends, strict=True):
        file.seek(member.header_offset)
        header = file.read(LOCAL_HEADER.size)
        if len(header) < LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
            raise _damaged(member.filename)
        fields = LOCAL_HEADER.unpack(header)
        start = member.header_offset + LOCAL_HEADER.size + fields[10] + fields[11]
        if fields[4] != zipfile.ZIP_DEFLATED:  # stored: its bytes are in the file as they are
            unpacked += max(member_end - start, 0)
        else:
            unpacked = _inflate(file, member.filename, start, member_end, unpacked, limits)
        if unpacked > limits.unzipped:
            raise _too_unpacked(unpacked, limits)


def _inflate(
    file: IO[bytes], part: str, start: int, end: int, unpacked: int, limits: Limits
) -> int:
    """Inflate the deflated data between `start` and `end`, throwing it away; the workbook's
    unpacked bytes so far (`unpacked`) plus this member's. Raises once past a cap."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    file.seek(start)
    left, read, member = max(end - start, 0), 0, 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                data = file.read(min(INFLATE_CHUNK, left))
                if not data:
                    raise _damaged(part)
                left -= len(data)
                read += len(data)
            member += len(inflater.decompress(data, INFLATE_CHUNK))
            if unpacked + member > limits.unzipped:
                raise _too_unpacked(unpacked + member, limits)
            ratio = member / max(read - len(inflater.unconsumed_tail), 1)
            if member > RATIO_FLOOR and ratio > limits.ratio:
                raise _too_compressed(part, ratio, limits)
    except zlib.error:
        raise _damaged(part) from None
    return unpacked + member


def _damaged(part: str) -> UploadRefused:
    message = _(
        "A part of the workbook (%(part)s) is damaged and cannot be unpacked: open the file in "
        "your spreadsheet program and save it again as .xlsx or “CSV UTF-8”."
    ) % {"part": part}
    return UploadRefused(message, limit="type")


def _sheet_rows(archive: zipfile.ZipFile, names: set[str]) -> int:
    """The rows of the first worksheet: from its <dimension> when it declares one, else counted
    (the member's unpacked size is already within the cap)."""
    path = _first_sheet(archive, names)
    if path is None:
        return 0
    with archive.open(path) as sheet:
        head = sheet.read(SHEET_HEAD)
        found = _DIMENSION.search(head)
        if found:
            return int(found.group(4) or found.group(2))
        rows, tail = len(_ROW.findall(head)), head[-16:]
        while chunk := sheet.read(CHUNK):
            rows += len(_ROW.findall(tail + chunk))
            tail = chunk[-16:]
        return rows


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    relation = _FIRST_SHEET.search(archive.read("xl/workbook.xml")[:SHEET_HEAD])
    rels = "xl/_rels/workbook.xml.rels"
    if relation and rels in names:
        for element in _RELATION.findall(archive.read(rels)):
            if f'Id="{relation.group(1).decode()}"'.encode() in element:
                target = re.search(rb'Target="([^"]+)"', element)
                if target:
                    path = target.group(1).decode()
                    path = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
                    if path in names:
                        return path
    fallback = "xl/worksheets/sheet1.xml"
    return fallback if fallback in names else None


def _described(head: bytes) -> str:
    found = _found(head)
    if found is not None:
        return found
    looks_like_text = all(byte >= 0x09 for byte in head)
    return _("a text file, perhaps a CSV") if looks_like_text else _("some other kind of file")


def _not_text(filename: str, found: str) -> UploadRefused:
    message = _(
        "%(name)s is not a CSV text file in UTF-8 or UTF-16 (it is %(found)s): save it from "
        "your spreadsheet program as “CSV UTF-8”, or upload the .xlsx workbook."
    ) % {"name": filename, "found": found}
    return UploadRefused(message, limit="type")


def _check_csv(file: IO[bytes], filename: str, head: bytes) -> tuple[str, int]:
    """The CSV's codec and its number of lines; refuses what is not UTF-8 or UTF-16 text."""
    found = _found(head)
    if found is not None:
        raise _not_text(filename, found)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, last = 0, ""
    try:
        while chunk := file.read(CHUNK):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise _not_text(filename, _("binary data"))
            lines += text.count("\n")
            last = text[-1:] or last
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        found = _("text in another encoding (%(error)s)") % {"error": error.reason}
        raise _not_text(filename, found) from None
    return encoding, lines + (1 if last and last != "\n" else 0)
