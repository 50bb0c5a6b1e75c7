"""What an uploaded file is, found from its content alone, and the bytes kept of it (docs/security.md, S44).

The name and the type the browser declared are never read. A PDF must start with `%PDF-` and end with its
`startxref` and `%%EOF` trailer; it is kept byte for byte (it is never shown inline: S46). A JPEG or PNG must
be what its signature says, verified and fully decoded by Pillow (a truncated image is refused), then
re-encoded, so that nothing but the picture is kept: no EXIF (camera, GPS position), no comments, no
trailing data. A photograph in HEIC (what phones take) is read through libheif (pillow-heif) and kept as a
JPEG like the others (docs/security.md, S80). A file whose first kilobyte reads as markup (HTML, SVG, XML)
is refused whatever follows: that is what a browser sniffing content would render.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from mediation.attachments.codes import ContentType
from mediation.attachments.rules import CHUNK_SIZE, MAX_IMAGE_PIXELS
from mediation.core.errors import ValidationFailed

# Pillow reads HEIF/HEIC through pillow-heif from now on; no other format is ever asked of it (formats=[...]).
register_heif_opener()

SIGNATURES = ((b"%PDF-", ContentType.PDF), (b"\xff\xd8\xff", ContentType.JPEG),
              (b"\x89PNG\r\n\x1a\n", ContentType.PNG))
PILLOW_FORMATS = {ContentType.JPEG: "JPEG", ContentType.PNG: "PNG"}
# An ISO media file ("ftyp" at byte 4) whose major brand is one of HEIC's (S80): read as HEIF, kept as JPEG.
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
HEIF = "HEIF"
MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<head", b"<iframe", b"<object",
          b"<embed", b"<a ", b"<img", b"<meta", b"<style")
SNIFFED_BYTES = 1024
TRAILER_BYTES = 1024

NOT_ACCEPTED = _l("This file is not a PDF document, a JPEG image or a PNG image. Scan or photograph the document "
                  "again, or save it as PDF.")
DAMAGED = _l("This file could not be read: it seems damaged or incomplete. Send it again.")
EMPTY = _l("Choose the file to attach.")
TOO_MANY_PIXELS = _l("This image is too large to be checked. Send a smaller photograph or a scan.")


@dataclass
class CheckedContent:
    content_type: ContentType
    size: int
    _source: IO[bytes] | io.BytesIO

    def chunks(self) -> Iterator[bytes]:
        """The bytes to keep, CHUNK_SIZE at a time."""
        self._source.seek(0)
        while chunk := self._source.read(CHUNK_SIZE):
            yield chunk


def _refuse(message) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def _measure(stream: IO[bytes], max_bytes: int) -> int:
    """The stream's length, read chunk by chunk (never whole), refused beyond `max_bytes`."""
    stream.seek(0)
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:
            raise _refuse(gettext("This file is larger than %(max)d MB. Scan it at a lower resolution or split it.",
                                  max=max_bytes // (1024 * 1024)))
    return size


def _signature(head: bytes) -> tuple[ContentType, str | None]:
    """What the content is kept as, and the format Pillow reads it in (None for a PDF)."""
    found: tuple[ContentType, str | None] | None = None
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            found = content_type, PILLOW_FORMATS.get(content_type)
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        found = ContentType.JPEG, HEIF
    if found is None or any(marker in head[:SNIFFED_BYTES].lower() for marker in MARKUP):
        raise _refuse(NOT_ACCEPTED)
    return found


def _check_pdf(stream: IO[bytes], size: int) -> None:
    stream.seek(max(0, size - TRAILER_BYTES))
    tail = stream.read(TRAILER_BYTES).rstrip(b"\r\n\t \x00")
    if not tail.endswith(b"%%EOF") or b"startxref" not in tail:
        raise _refuse(DAMAGED)


def _clean_image(stream: IO[bytes], content_type: ContentType, wanted: str) -> io.BytesIO:
    """The picture alone, re-encoded as `content_type` (its own format, or JPEG for HEIC), upright as the
    camera meant it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            stream.seek(0)
            with Image.open(stream, formats=[wanted]) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise _refuse(TOO_MANY_PIXELS)
                probe.verify()
            stream.seek(0)
            with Image.open(stream, formats=[wanted]) as image:
                image.load()  # decodes every byte: a truncated file fails here
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(DAMAGED) from None
    upright.info = {}  # EXIF, ICC, comments, text chunks: none is written back
    if content_type is ContentType.JPEG and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    cleaned = io.BytesIO()
    if content_type is ContentType.JPEG:
        upright.save(cleaned, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(cleaned, format="PNG", optimize=True)
    return cleaned


def check_upload(stream: IO[bytes] | None, max_bytes: int) -> CheckedContent:
    """The content to keep of an upload, or a refusal naming the field `file`."""
    if stream is None:
        raise _refuse(EMPTY)
    size = _measure(stream, max_bytes)
    if size == 0:
        raise _refuse(EMPTY)
    stream.seek(0)
    content_type, pillow_format = _signature(stream.read(SNIFFED_BYTES))
    if pillow_format is None:
        _check_pdf(stream, size)
        return CheckedContent(content_type, size, stream)
    cleaned = _clean_image(stream, content_type, pillow_format)
    return CheckedContent(content_type, cleaned.getbuffer().nbytes, cleaned)
