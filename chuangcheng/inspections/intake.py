"""The wire format of a submitted inspection, shared by the phone page and the API.

A multipart POST with these fields (docs/inspections.md, "Submitting"):

==================  ==========================================================================
``client_key``      UUID made by the phone when the inspection starts; a retry sends the same
``assignment``      the assignment's id — or ``point`` for an inspection outside a plan
``started_at``      ISO 8601 time the inspector started, by the phone's clock
``device_now``      ISO 8601 time of sending, by the phone's clock (to measure its skew)
``latitude``,       where the inspector started; ``coordinate_system`` ``wgs84`` (default) or
``longitude``       ``gcj02`` (高德/腾讯 maps), converted to WGS-84
``accuracy``        the phone's location accuracy in metres
``note``            free text
``answers``         JSON list: ``[{"item": id, "outcome": "pass"|"fail"|"na",
                    "violations": n (status-scale items), "note": "…"}]``
``photo_<item id>`` files (repeatable) for that item; ``photo_general`` for the whole visit
==================  ==========================================================================
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chuangcheng.inspections import photos
from chuangcheng.inspections.actions import Answer, Submission
from chuangcheng.utils.coords import gcj02_to_wgs84

MAX_NOTE = 2000
MAX_ITEM_NOTE = 500
MAX_ACCURACY_M = 1_000_000  # a phone's fix is never worse; the column is a positive integer


class IntakeError(Exception):
    """The submission could not be read; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _datetime(value, field, errors) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        errors.setdefault(field, []).append(_("Not a date and time (ISO 8601 expected)."))
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(value, field, errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("A whole number is expected."))
        return None


def _coordinate(value, field, low, high, errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.setdefault(field, []).append(_("A number is expected."))
        return None
    if not number.is_finite():  # NaN cannot even be compared
        errors.setdefault(field, []).append(_("A number is expected."))
        return None
    if not (low <= number <= high):
        errors.setdefault(field, []).append(_("Out of range."))
        return None
    return number


def _answers(raw, errors) -> list[Answer]:
    if raw in (None, ""):
        errors.setdefault("answers", []).append(_("The checklist answers are missing."))
        return []
    try:
        rows = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        errors.setdefault("answers", []).append(_("The answers are not valid JSON."))
        return []
    if not isinstance(rows, list):
        errors.setdefault("answers", []).append(_("The answers must be a list."))
        return []
    answers = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("item"), int):
            errors.setdefault("answers", []).append(
                _("Answer {n}: an object with the item's id is expected.").format(n=number)
            )
            continue
        violations = row.get("violations")
        if violations is not None and (not isinstance(violations, int) or violations < 0 or violations > 999):
            errors.setdefault("answers", []).append(
                _("Answer {n}: violations must be a whole number from 0 to 999.").format(n=number)
            )
            continue
        answers.append(
            Answer(
                check_item_id=row["item"],
                outcome=row.get("outcome") or None,
                violations=violations,
                note=str(row.get("note") or "")[:MAX_ITEM_NOTE],
            )
        )
    return answers


def parse(data, files) -> Submission:
    """Read a submission from form data and files (a QueryDict/MultiValueDict, or plain dicts of
    lists); photos are checked by content here, before anything is written."""
    errors: dict[str, list[str]] = {}
    try:
        client_key = uuid.UUID(str(data.get("client_key") or ""))
    except ValueError:
        errors["client_key"] = [_("A UUID made by the client is required, so that a retry is recognised.")]
        client_key = None
    assignment_id = _int(data.get("assignment"), "assignment", errors)
    point_id = _int(data.get("point"), "point", errors)
    if assignment_id is None and point_id is None and "assignment" not in errors and "point" not in errors:
        errors["assignment"] = [_("Give the assignment (or, outside a plan, the point).")]
    latitude = _coordinate(data.get("latitude"), "latitude", -90, 90, errors)
    longitude = _coordinate(data.get("longitude"), "longitude", -180, 180, errors)
    if (latitude is None) != (longitude is None) and not {"latitude", "longitude"} & set(errors):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    system = (data.get("coordinate_system") or "wgs84").lower()
    if system not in ("wgs84", "gcj02"):
        errors["coordinate_system"] = [_("Use wgs84 or gcj02.")]
    elif system == "gcj02" and latitude is not None and longitude is not None:
        lat, lng = gcj02_to_wgs84(float(latitude), float(longitude))
        latitude, longitude = Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")
    accuracy = _int(data.get("accuracy"), "accuracy", errors)
    if accuracy is not None and not (0 <= accuracy <= MAX_ACCURACY_M):
        errors.setdefault("accuracy", []).append(_("Out of range."))
        accuracy = None
    started_at = _datetime(data.get("started_at"), "started_at", errors)
    device_now = _datetime(data.get("device_now"), "device_now", errors)
    answers = _answers(data.get("answers"), errors)

    getlist = files.getlist if hasattr(files, "getlist") else (lambda key: files.get(key) or [])
    uploads: dict = {}
    for key in files:
        if key == "photo_general":
            uploads[None] = list(getlist(key))
        elif key.startswith("photo_") and key[6:].isdigit():
            uploads[int(key[6:])] = list(getlist(key))
        else:
            errors.setdefault(key, []).append(_("Unknown file field."))
    prepared = {}
    for key, files_ in uploads.items():
        try:
            prepared.update(photos.prepare_all({key: files_}))
        except ValidationError as exc:
            errors.setdefault("photo_general" if key is None else f"photo_{key}", []).extend(exc.messages)
    if errors:
        raise IntakeError(errors)
    return Submission(
        client_key=client_key,
        answers=answers,
        assignment_id=assignment_id,
        point_id=point_id if assignment_id is None else None,
        started_at=started_at,
        device_now=device_now,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy,
        note=str(data.get("note") or "")[:MAX_NOTE],
        photos=prepared,
    )
