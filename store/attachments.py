"""Attachments: what we accept (decided by content and name together) and where content lives.

Content is stored once per SHA-256 under the attachments directory (``ab/abcdef...``); the
database keeps only the metadata. Only documents and images are accepted: an executable is
refused whatever its name says, and a file whose content does not match its extension too.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import errors

# The attachment rule, defined here only: what is attached to one demand, comment, answer or
# request. The catalogue's "files.rule" sentence, each refusal and the README say these numbers.
MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MB  # each file; Telegram lets bots download no more anyway
MAX_ATTACHMENTS_PER_EVENT = 10
# All the files of one event together: sending reads them into memory at once.
MAX_ATTACHMENTS_TOTAL_BYTES = 50 * MB
MAX_FILENAME = 200


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    data: bytes
    content_type: str | None = None  # what the channel claims; we trust the content instead


@dataclass(frozen=True)
class CheckedAttachment:
    filename: str
    data: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


# Extension -> (content kind the bytes must show, MIME type we store).
ALLOWED = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "bmp": ("bmp", "image/bmp"),
    "tif": ("tiff", "image/tiff"),
    "tiff": ("tiff", "image/tiff"),
    "doc": ("ole-word", "application/msword"),
    "xls": ("ole-excel", "application/vnd.ms-excel"),
    "ppt": ("ole-powerpoint", "application/vnd.ms-powerpoint"),
    "docx": ("ooxml-word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("ooxml-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ooxml-powerpoint",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("odf-text", "application/vnd.oasis.opendocument.text"),
    "ods": ("odf-spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("odf-presentation", "application/vnd.oasis.opendocument.presentation"),
    "odg": ("odf-graphics", "application/vnd.oasis.opendocument.graphics"),
    "rtf": ("rtf", "application/rtf"),
    "txt": ("text", "text/plain"),
    "csv": ("text", "text/csv"),
}

# The usual extension of each kind (the first one listed wins), to name files sent without one.
_EXTENSION_OF_KIND = {kind: extension for extension, (kind, _) in reversed(ALLOWED.items())}
_IMAGE_TYPES = {kind: mime for kind, mime in ALLOWED.values() if mime.startswith("image/")}

_EXECUTABLE_MAGIC = (
    b"\x7fELF",              # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",  # Mach-O
    b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",     # Mach-O universal / Java class
    b"#!",                   # scripts with an interpreter line
    b"\x00asm",              # WebAssembly
    b"dex\n",                # Android
)

_SIMPLE_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names (UTF-16 in the OLE directory) that tell which Office program wrote the file;
# an installer (.msi) is OLE too but has none of them.
_OLE_STREAMS = (
    ("WordDocument", "ole-word"),
    ("Workbook", "ole-excel"),
    ("Book", "ole-excel"),
    ("PowerPoint Document", "ole-powerpoint"),
)
_OOXML_PARTS = (("word/", "ooxml-word"), ("xl/", "ooxml-excel"), ("ppt/", "ooxml-powerpoint"))
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "odf-text",
    "application/vnd.oasis.opendocument.spreadsheet": "odf-spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "odf-presentation",
    "application/vnd.oasis.opendocument.graphics": "odf-graphics",
}
_TEXT_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def sniff(data: bytes) -> str | None:
    """The content kind shown by the bytes ("pdf", "ooxml-word", "executable", ...) or None."""
    # "MZ" alone could start a line of text; a real DOS/Windows header has NUL bytes right after.
    if data.startswith(_EXECUTABLE_MAGIC) or (data[:2] == b"MZ" and b"\x00" in data[2:64]):
        return "executable"
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    for magic, kind in _SIMPLE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(_OLE_MAGIC):
        for stream, kind in _OLE_STREAMS:
            if stream.encode("utf-16-le") in data:
                return kind
        return None
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if _looks_like_text(data):
        return "text"
    return None


def _sniff_zip(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = _read_start(archive, "mimetype").decode("ascii", "replace").strip()
                return _ODF_KINDS.get(mimetype)
            if "[Content_Types].xml" in names:
                content_types = _read_start(archive, "[Content_Types].xml")
                # Macro-enabled documents run code when opened: not a plain document.
                if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
                    return None
                for prefix, kind in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None  # a plain zip (or a .jar, .apk) is not a document


def _read_start(archive: zipfile.ZipFile, name: str) -> bytes:
    # Only the beginning: a small member may inflate to gigabytes (a "zip bomb").
    with archive.open(name) as member:
        return member.read(65536)


def _looks_like_text(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # "Unicode" text saved by Windows tools
        try:
            return not _TEXT_CONTROL.search(data[2:].decode("utf-16").encode("utf-8"))
        except UnicodeDecodeError:
            return False
    sample = data[:65536]
    if _TEXT_CONTROL.search(sample):
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start >= len(sample) - 3 and len(data) > len(sample):
            return True
    try:
        sample.decode("cp1252")  # spreadsheets exported on Windows
        return True
    except UnicodeDecodeError:
        return False


def clean_filename(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".") or "arquivo"
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_FILENAME - len(ext) - 1] + dot + ext) if dot else name[:MAX_FILENAME]
    return name


def check_attachments(attachments: tuple[NewAttachment, ...] | list[NewAttachment]) -> list[CheckedAttachment]:
    """Validate a batch for one event; raises AttachmentRejected with the reason."""
    checked: list[CheckedAttachment] = []
    for item in attachments:
        file = check_attachment(item)
        refusal = beyond_the_caps(file.filename, file.size, checked)
        if refusal is not None:
            raise refusal
        checked.append(file)
    return checked


def beyond_the_caps(filename: str, size: int, beside: Sequence[Any]) -> errors.AttachmentRejected | None:
    """Why a file of `size` bytes may not join the files `beside` it on one event (anything with a
    ``size``: checked or held files), or None when it may."""
    if len(beside) >= MAX_ATTACHMENTS_PER_EVENT:
        return errors.AttachmentRejected(errors.TOO_MANY_ATTACHMENTS, filename, limit=MAX_ATTACHMENTS_PER_EVENT)
    if sum(file.size for file in beside) + size > MAX_ATTACHMENTS_TOTAL_BYTES:
        return errors.AttachmentRejected(errors.ATTACHMENTS_TOO_BIG_IN_ALL, filename,
                                         limit=MAX_ATTACHMENTS_TOTAL_BYTES // MB)
    return None


def check_attachment(item: NewAttachment) -> CheckedAttachment:
    filename = clean_filename(item.filename)
    data = bytes(item.data)
    if not data:
        raise errors.AttachmentRejected(errors.ATTACHMENT_EMPTY, filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise errors.AttachmentRejected(errors.ATTACHMENT_TOO_BIG, filename,
                                        limit=MAX_ATTACHMENT_BYTES // MB)
    kind = sniff(data)
    if kind == "executable":
        raise errors.AttachmentRejected(errors.ATTACHMENT_EXECUTABLE, filename)
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if not extension and kind in _EXTENSION_OF_KIND:
        # Some channels send files without a name (photos): the content tells what it is.
        extension = _EXTENSION_OF_KIND[kind]
        filename = f"{filename}.{extension}"
    allowed = ALLOWED.get(extension)
    if allowed is None:
        raise errors.AttachmentRejected(errors.ATTACHMENT_TYPE_NOT_ALLOWED, filename)
    expected_kind, content_type = allowed
    if kind != expected_kind:
        # A PNG saved as .jpg is harmless; anything else dressed as another type is refused.
        if kind not in _IMAGE_TYPES or expected_kind not in _IMAGE_TYPES:
            raise errors.AttachmentRejected(errors.ATTACHMENT_CONTENT_MISMATCH, filename)
        content_type = _IMAGE_TYPES[kind]
    return CheckedAttachment(filename, data, content_type, hashlib.sha256(data).hexdigest())


class ContentStore:
    """Files named by their SHA-256: the same content is written once, whoever sends it."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, item: CheckedAttachment) -> None:
        target = self.path_for(item.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write aside then rename, so a reader never sees half a file and two writers of the
        # same content do not corrupt each other.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(item.data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
