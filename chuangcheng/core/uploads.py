"""Checking uploaded images by their content (security.md 16).

An upload is accepted only if Pillow decodes it as an allowed format within the size and
pixel caps; it is then re-encoded, which drops EXIF and anything hidden after the image
data, and stored under a random name. Time and GPS are read from EXIF before re-encoding, for
the callers that record where and when a photo was taken.
"""

import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # iPhones shoot HEIC; it is accepted and stored as JPEG
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is in the lock file
    pass

# Pillow format → stored extension (HEIF is converted to JPEG)
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg"}
ORIGINAL_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic"}
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825


@dataclass
class CleanImage:
    file: ContentFile
    width: int
    height: int
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None
    source_format: str = "JPEG"


def _dms_to_degrees(dms, ref) -> float | None:
    try:
        degrees = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    return -degrees if ref in ("S", "W") else degrees


def _read_exif(image):
    taken_at = latitude = longitude = None
    try:
        exif = image.getexif()
    except (AttributeError, OSError, ValueError):
        return taken_at, latitude, longitude
    raw_time = exif.get_ifd(_EXIF_IFD).get(_EXIF_DATETIME_ORIGINAL)
    if isinstance(raw_time, str):
        try:
            taken_at = datetime.strptime(raw_time.strip(), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken_at = None
    gps = exif.get_ifd(_GPS_IFD)
    if gps and 2 in gps and 4 in gps:
        latitude = _dms_to_degrees(gps[2], gps.get(1))
        longitude = _dms_to_degrees(gps[4], gps.get(3))
    return taken_at, latitude, longitude


def stream_image(field_file) -> FileResponse:
    """Send a stored image (already authorised by the caller): inline, its real type, nosniff,
    cacheable by the browser only."""
    content_type = {v: f"image/{'jpeg' if v == 'jpg' else v}" for v in ("jpg", "png", "webp")}.get(
        field_file.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
    )
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def clean_image(upload) -> CleanImage:
    """Validate and re-encode one uploaded image; raise ValidationError with a user-facing reason."""
    max_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file “{name}” is too large: at most {mb} MB is allowed.").format(
                name=upload.name, mb=max_mb
            ),
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("The file “{name}” is not a JPEG, PNG, WebP or HEIC image.").format(name=upload.name),
                    code="bad_type",
                )
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise ValidationError(
                    _("The image “{name}” has too many pixels.").format(name=upload.name),
                    code="too_many_pixels",
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            taken_at, latitude, longitude = _read_exif(image)
            image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant
            image.info.clear()  # no EXIF, XMP, ICC comments or text chunks carried over
            out = io.BytesIO()
            if image_format in ("JPEG", "HEIF"):
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            else:
                image.save(out, format=image_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file “{name}” could not be read as an image.").format(name=upload.name), code="unreadable"
        ) from exc
    name = f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    return CleanImage(
        file=ContentFile(out.getvalue(), name=name),
        width=image.width,
        height=image.height,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        source_format=image_format,
    )
