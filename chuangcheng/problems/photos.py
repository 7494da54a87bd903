"""Problem photos: checked by content before anything is written (``prepare``), stored once the
step exists (``store``): a display copy without EXIF and a thumbnail."""

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from chuangcheng.core.uploads import CleanImage, clean_image

THUMBNAIL_EDGE = 360


@dataclass
class Prepared:
    clean: CleanImage
    thumbnail: bytes


def prepare(uploads) -> list[Prepared]:
    """Check every upload (raises ValidationError naming the file and the reason)."""
    uploads = list(uploads or [])
    if len(uploads) > settings.PROBLEM_MAX_PHOTOS:
        raise ValidationError(
            _("At most {n} photos can be uploaded at once.").format(n=settings.PROBLEM_MAX_PHOTOS),
            code="too_many",
        )
    prepared = []
    for upload in uploads:
        cleaned = clean_image(upload)
        with Image.open(io.BytesIO(cleaned.file.read())) as image:
            image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
        cleaned.file.seek(0)
        prepared.append(Prepared(clean=cleaned, thumbnail=out.getvalue()))
    return prepared


def _coord(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.6f}")


def _aware(taken: datetime | None) -> datetime | None:
    if taken is None:
        return None
    return timezone.make_aware(taken) if timezone.is_naive(taken) else taken


def store(problem, event, kind: str, prepared: list[Prepared], user) -> list:
    from chuangcheng.problems.models import ProblemPhoto

    saved = []
    for item in prepared:
        photo = ProblemPhoto(
            problem=problem,
            event=event,
            kind=kind,
            taken_at=_aware(item.clean.taken_at),
            latitude=_coord(item.clean.latitude),
            longitude=_coord(item.clean.longitude),
            uploaded_by=user,
        )
        photo.image.save(item.clean.file.name, item.clean.file, save=False)
        stem = item.clean.file.name.rsplit(".", 1)[0]
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(item.thumbnail), save=False)
        photo.save()
        saved.append(photo)
    return saved
