"""Evidence photos: checked by content, EXIF read into fields, a display copy without EXIF and
with a burned-in stamp (time, place, inspector code — like the 水印相机 apps inspectors use), a
thumbnail, and the original kept for the office.

``prepare`` runs before the submission's transaction (it refuses a bad file before anything
is written); ``store`` writes the files once the inspection exists.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from chuangcheng.core.uploads import ORIGINAL_EXTENSIONS, clean_image

THUMBNAIL_EDGE = 360
DISPLAY_EDGE = 2048  # the stamped copy is scaled down to this longest edge
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@dataclass
class EvidenceImage:
    """One checked upload, ready to store."""

    clean: bytes  # re-encoded, no EXIF
    clean_ext: str
    original: bytes
    original_ext: str
    original_sha256: str
    taken_at: datetime | None
    latitude: float | None
    longitude: float | None
    name: str


def prepare(upload) -> EvidenceImage:
    """Check one uploaded photo by its content (raises ValidationError with a Chinese reason)."""
    cleaned = clean_image(upload)
    upload.seek(0)
    original = upload.read()
    taken_at = cleaned.taken_at
    if taken_at is not None and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)  # phones write local (Beijing) time
    ext = cleaned.file.name.rsplit(".", 1)[-1]
    return EvidenceImage(
        clean=cleaned.file.read(),
        clean_ext=ext,
        original=original,
        original_ext=ORIGINAL_EXTENSIONS[cleaned.source_format],
        original_sha256=hashlib.sha256(original).hexdigest(),
        taken_at=taken_at,
        latitude=cleaned.latitude,
        longitude=cleaned.longitude,
        name=getattr(upload, "name", "") or "photo",
    )


def prepare_all(files_by_item: dict) -> dict:
    """``{item id or None: [uploads]}`` → the same with EvidenceImages; the first bad file
    raises ValidationError naming it, so nothing is stored from a half-good submission."""
    limit = settings.INSPECTION_MAX_PHOTOS_PER_ITEM
    prepared: dict = {}
    for key, uploads in files_by_item.items():
        if len(uploads) > limit:
            raise ValidationError(_("At most {n} photos per item.").format(n=limit), code="too_many")
        prepared[key] = [prepare(upload) for upload in uploads]
    return prepared


@lru_cache(maxsize=4)
def _font(size: int):
    configured = getattr(settings, "STAMP_FONT_PATH", "")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size), True
            except OSError:
                continue
    return ImageFont.load_default(size=size), False


def stamp_lines(inspection, taken_at: datetime | None, latitude=None, longitude=None) -> list[str]:
    from chuangcheng.inspections.models import inspector_code

    when = timezone.localtime(taken_at or inspection.started_at)
    point = inspection.point
    place = f"{point.code} {point.name}"
    if latitude is not None and longitude is not None:  # where the photo says it was taken
        coords = f"{float(latitude):.5f}, {float(longitude):.5f}"
    elif inspection.latitude is not None and inspection.longitude is not None:
        coords = f"{float(inspection.latitude):.5f}, {float(inspection.longitude):.5f}"
    elif point.has_location:
        coords = f"{float(point.latitude):.5f}, {float(point.longitude):.5f}"
    else:
        coords = ""
    return [
        when.strftime("%Y-%m-%d %H:%M:%S"),
        place,
        " · ".join(
            part
            for part in (coords, inspector_code(inspection.inspector, f"inspection:{inspection.pk}"))
            if part
        ),
    ]


def _stamp(image: Image.Image, lines: list[str]) -> Image.Image:
    image = image.convert("RGB")
    if max(image.size) > DISPLAY_EDGE:
        image.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE))
    size = max(14, image.width // 32)
    font, has_cjk = _font(size)
    if not has_cjk:  # no CJK font on this machine: keep the stamp legible, ASCII only
        lines = [line.encode("ascii", "replace").decode().replace("?", "") or "-" for line in lines]
    draw = ImageDraw.Draw(image, "RGBA")
    line_height = int(size * 1.35)
    height = line_height * len(lines) + size // 2
    top = image.height - height
    draw.rectangle([0, top, image.width, image.height], fill=(0, 0, 0, 140))
    for number, line in enumerate(lines):
        draw.text(
            (size // 2, top + size // 4 + number * line_height), line, font=font, fill=(255, 255, 255, 255)
        )
    return image


def _jpeg(image: Image.Image, quality=85) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def store(inspection, photos_by_item: dict, results_by_item: dict) -> int:
    """Write the prepared photos of one inspection; returns how many."""
    from chuangcheng.inspections.models import EvidencePhoto

    count = 0
    for key, images in photos_by_item.items():
        result = results_by_item.get(key) if key is not None else None
        for prepared in images:
            with Image.open(io.BytesIO(prepared.clean)) as opened:
                opened.load()
                stamped = _stamp(
                    opened, stamp_lines(inspection, prepared.taken_at, prepared.latitude, prepared.longitude)
                )
            thumb = stamped.copy()
            thumb.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
            stem = uuid.uuid4().hex
            photo = EvidencePhoto(
                inspection=inspection,
                result=result,
                original_sha256=prepared.original_sha256,
                taken_at=prepared.taken_at,
                latitude=_coord(prepared.latitude),
                longitude=_coord(prepared.longitude),
                width=stamped.width,
                height=stamped.height,
            )
            photo.image.save(f"{stem}.jpg", ContentFile(_jpeg(stamped)), save=False)
            photo.thumbnail.save(f"{stem}-t.jpg", ContentFile(_jpeg(thumb, quality=75)), save=False)
            photo.original.save(
                f"{stem}-o.{prepared.original_ext}", ContentFile(prepared.original), save=False
            )
            photo.save()
            count += 1
    return count


def _coord(value: float | None) -> Decimal | None:
    if value is None or not (-180 <= value <= 180):
        return None
    return Decimal(f"{value:.6f}")
