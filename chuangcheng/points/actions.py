"""Operations that change points. The pages, the API, the spreadsheet import and the command
all call these, so a rule (area membership, the leader, the county outline) lives in one place.

Validation raises Django's ``ValidationError`` with a dict keyed by field name ("latitude",
"point_leader"…): a form adds it to its fields, the API returns it as a 400, the import turns
it into row/column errors.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.uploads import CleanImage
from chuangcheng.indicators.models import PointType
from chuangcheng.org.choices import OFFICE_ROLES, Role, UnitKind
from chuangcheng.org.models import OrgUnit, RoleAssignment, User
from chuangcheng.points.choices import CoordinateSystem, PointStatus
from chuangcheng.points.models import AreaOutline, Point, PointPhoto
from chuangcheng.utils import coords, geo

COORDINATE_PLACES = Decimal("0.000001")  # the model stores 6 decimal places (≈ 0.1 m)
# Without an outline for the area, a location must at least lie in mainland China.
MAINLAND_LATITUDE = (Decimal("17.5"), Decimal("54"))
MAINLAND_LONGITUDE = (Decimal("73"), Decimal("135.5"))
TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.STREET)
MAX_POINT_PHOTOS = 6


class ActionError(Exception):
    """An action refused as a whole; the message is for the user."""


@dataclass(frozen=True)
class PointInput:
    """What a person (or a spreadsheet row, or an API client) gives for one point.

    ``latitude``/``longitude`` are in ``coordinate_system``; the action converts to WGS-84.
    """

    name: str
    code: str
    point_type: PointType | None
    responsible_unit: OrgUnit | None
    point_leader: User | None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    coordinate_system: str = CoordinateSystem.WGS84
    township: OrgUnit | None = None
    status: str = PointStatus.ACTIVE
    notes: str = ""

    @classmethod
    def from_point(cls, point: Point, **changes) -> "PointInput":
        """The input that would give ``point`` as it is (WGS-84), with ``changes`` applied."""
        # only the fields not given are read, so no related row is fetched needlessly
        skip = {*changes, "coordinate_system"}
        values = {f.name: getattr(point, f.name) for f in fields(cls) if f.name not in skip}
        values["coordinate_system"] = changes.get("coordinate_system", CoordinateSystem.WGS84)
        values.update(changes)
        return cls(**values)


# --- who may do what -----------------------------------------------------------------------
def can_edit_points(user) -> bool:
    """Only the campaign office changes point data (and superusers)."""
    return bool(user.is_authenticated and user.is_active and user.is_office)


def office_area(user) -> OrgUnit | None:
    """The campaign area where ``user`` creates points (``User.office_area``)."""
    return user.office_area() if user.is_authenticated else None


def can_upload_photos(user, point: Point) -> bool:
    """The office, and the staff of the responsible unit (or a unit above it), add photos."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not Point.objects.visible_to(user).filter(pk=point.pk).exists():
        return False
    if user.is_superuser or user.has_role(*OFFICE_ROLES):
        return True
    unit_path = point.responsible_unit.path
    return any(
        unit_path.startswith(unit.path) for unit in user.units_with_role(Role.UNIT_ADMIN, Role.UNIT_STAFF)
    )


# --- the choices a point may take, per area ---------------------------------------------------
def point_types_for(area: OrgUnit):
    return PointType.objects.filter(area=area).order_by("sort_order", "code")


def townships_for(area: OrgUnit):
    return OrgUnit.objects.filter(
        path__startswith=area.path, kind__in=TOWNSHIP_KINDS, is_active=True
    ).order_by("sort_order", "name_pinyin")


def units_for(area: OrgUnit):
    return (
        OrgUnit.objects.filter(path__startswith=area.path, is_active=True)
        .exclude(pk=area.pk)
        .order_by("kind", "sort_order", "name_pinyin")
    )


def leaders_for(actor):
    """People who may be named point leader by ``actor``: active people ``actor`` may see."""
    return User.objects.visible_to(actor).filter(is_active=True).select_related("unit")


# --- coordinates ------------------------------------------------------------------------------
def to_wgs84(latitude, longitude, system: str) -> tuple[Decimal, Decimal]:
    """Convert a location given in ``system`` to WGS-84, rounded as the model stores it."""
    lat, lng = float(latitude), float(longitude)
    if system == CoordinateSystem.GCJ02:
        lat, lng = coords.gcj02_to_wgs84(lat, lng)
    return (
        Decimal(repr(lat)).quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
        Decimal(repr(lng)).quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
    )


def area_outline(area: OrgUnit):
    """The area's outline (GeoJSON) or None when it has none on record."""
    return AreaOutline.objects.filter(unit=area).values_list("geojson", flat=True).first()


def location_error(area: OrgUnit, latitude: Decimal, longitude: Decimal, outline) -> str | None:
    """Why a WGS-84 location cannot belong to ``area``, or None when it can.

    With an outline on record the point must lie inside it; without one, inside mainland China
    (which still catches swapped latitude/longitude and missing minus-free typos).
    """
    if outline:
        try:
            inside = geo.contains(outline, latitude, longitude)
        except geo.GeometryError:
            inside = None  # a broken outline must not block work: fall back to the range check
        if inside is True:
            return None
        if inside is False:
            return _(
                "The location ({lat}, {lng}) lies outside {area}. Check that latitude and longitude "
                "are not swapped and that the coordinate system is right."
            ).format(lat=latitude, lng=longitude, area=area.name)
    lat_ok = MAINLAND_LATITUDE[0] <= latitude <= MAINLAND_LATITUDE[1]
    lng_ok = MAINLAND_LONGITUDE[0] <= longitude <= MAINLAND_LONGITUDE[1]
    if lat_ok and lng_ok:
        return None
    return _(
        "The location ({lat}, {lng}) lies outside mainland China. Check that latitude and longitude "
        "are not swapped and that the coordinate system is right."
    ).format(lat=latitude, lng=longitude)


def resolve_location(area, data: PointInput, outline, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    """Convert and check the location of ``data``; add problems to ``errors``."""
    if data.latitude is None and data.longitude is None:
        return None, None
    if data.latitude is None or data.longitude is None:
        field = "latitude" if data.latitude is None else "longitude"
        errors.setdefault(field, []).append(
            ValidationError(_("Enter both latitude and longitude, or neither."), code="incomplete")
        )
        return None, None
    if data.coordinate_system not in CoordinateSystem.values:
        errors.setdefault("coordinate_system", []).append(
            ValidationError(_("Choose WGS-84 or GCJ-02."), code="invalid_choice")
        )
        return None, None
    if not (-90 <= data.latitude <= 90):
        errors.setdefault("latitude", []).append(
            ValidationError(_("Latitude must lie between -90 and 90."), code="out_of_range")
        )
        return None, None
    if not (-180 <= data.longitude <= 180):
        errors.setdefault("longitude", []).append(
            ValidationError(_("Longitude must lie between -180 and 180."), code="out_of_range")
        )
        return None, None
    latitude, longitude = to_wgs84(data.latitude, data.longitude, data.coordinate_system)
    problem = location_error(area, latitude, longitude, outline)
    if problem:
        errors.setdefault("latitude", []).append(ValidationError(problem, code="outside_area"))
        return None, None
    return latitude, longitude


def validate_point(actor, area: OrgUnit, data: PointInput, *, point: Point | None = None):
    """Check ``data`` for a point of ``area``; return the WGS-84 (latitude, longitude).

    Raises ValidationError({field: [errors]}) naming every problem at once.
    """
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not data.name.strip():
        add("name", _("Enter the name of the point."), "required")
    code = data.code.strip()
    if not code:
        add("code", _("Enter the code of the point."), "required")
    elif Point.objects.filter(area=area, code=code).exclude(pk=getattr(point, "pk", None)).exists():
        add(
            "code", _("Another point in this area already has the code “{code}”.").format(code=code), "unique"
        )
    if data.point_type is None:
        add("point_type", _("Choose the point type."), "required")
    elif data.point_type.area_id != area.pk:
        add("point_type", _("Choose a point type of this area."), "invalid_choice")
    if data.responsible_unit is None:
        add("responsible_unit", _("Choose the responsible unit."), "required")
    elif not _in_area(data.responsible_unit, area) or data.responsible_unit.pk == area.pk:
        add("responsible_unit", _("Choose a unit of this area."), "invalid_choice")
    if data.township is not None and (
        not _in_area(data.township, area) or data.township.kind not in TOWNSHIP_KINDS
    ):
        add("township", _("Choose a township or street of this area."), "invalid_choice")
    if data.point_leader is None:
        add("point_leader", _("Choose the point leader (点长): every point must have one."), "required")
    elif not leaders_for(actor).filter(pk=data.point_leader.pk).exists() and not (
        point is not None and point.point_leader_id == data.point_leader.pk
    ):
        add("point_leader", _("Choose an active person you can see as the point leader."), "invalid_choice")
    if data.status not in PointStatus.values:
        add("status", _("Choose a status."), "invalid_choice")
    latitude, longitude = resolve_location(area, data, area_outline(area), errors)
    if errors:
        raise ValidationError(errors)
    return latitude, longitude


def _in_area(unit: OrgUnit, area: OrgUnit) -> bool:
    return unit.path.startswith(area.path)


# --- writing -----------------------------------------------------------------------------------
AUDITED_FIELDS = (
    "code",
    "name",
    "point_type_id",
    "address",
    "latitude",
    "longitude",
    "township_id",
    "responsible_unit_id",
    "point_leader_id",
    "status",
    "notes",
)


def snapshot(point: Point) -> dict:
    """The audited fields of a point, JSON-ready."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(point, name)
        values[name] = str(value) if isinstance(value, Decimal) else value
    return values


def _apply(point: Point, data: PointInput, latitude, longitude) -> None:
    point.name = data.name.strip()
    point.code = data.code.strip()
    point.point_type = data.point_type
    point.address = data.address.strip()
    point.latitude = latitude
    point.longitude = longitude
    point.township = data.township
    point.responsible_unit = data.responsible_unit
    point.point_leader = data.point_leader
    point.status = data.status
    point.notes = data.notes.strip()


def _check_office(actor) -> None:
    if not can_edit_points(actor):
        raise ActionError(_("Only the campaign office can change points."))


def _check_visible(actor, point: Point) -> None:
    # checked before locking: the scope condition joins nullable relations, which PostgreSQL
    # cannot lock (FOR UPDATE on the nullable side of an outer join)
    if not Point.objects.visible_to(actor).filter(pk=point.pk).exists():
        raise ActionError(_("This point does not exist or is not in your area."))


def _code_taken(code: str) -> ValidationError:
    return ValidationError(
        {
            "code": [
                ValidationError(
                    _("Another point in this area already has the code “{code}”.").format(code=code),
                    code="unique",
                )
            ]
        }
    )


def create_point(actor, data: PointInput, *, area: OrgUnit | None = None, request=None) -> Point:
    """Create a point in the office's area. Raises ActionError or ValidationError."""
    _check_office(actor)
    area = area or office_area(actor)
    if area is None:
        raise ActionError(_("Your account is not attached to a campaign area, so it cannot add points."))
    if not actor.can_see_unit(area):
        raise ActionError(_("You cannot add points to this area."))
    latitude, longitude = validate_point(actor, area, data)
    point = Point(area=area)
    _apply(point, data, latitude, longitude)
    try:
        with transaction.atomic():
            point.save()
            ensure_point_leader_role(actor, point, request=request)
            audit.record(AuditAction.CREATE, request=request, user=actor, obj=point, after=snapshot(point))
    except IntegrityError as exc:  # two clerks saving the same code at once
        raise _code_taken(point.code) from exc
    return point


def update_point(actor, point: Point, data: PointInput, *, request=None) -> Point:
    """Change a point the office can see. Raises ActionError or ValidationError."""
    _check_office(actor)
    _check_visible(actor, point)
    try:
        with transaction.atomic():
            locked = Point.objects.select_for_update().select_related("area").get(pk=point.pk)
            latitude, longitude = validate_point(actor, locked.area, data, point=locked)
            before = snapshot(locked)
            _apply(locked, data, latitude, longitude)
            locked.save()
            after = snapshot(locked)
            changed = {k: v for k, v in after.items() if before[k] != v}
            if changed:
                ensure_point_leader_role(actor, locked, request=request)
                audit.record(
                    AuditAction.UPDATE,
                    request=request,
                    user=actor,
                    obj=locked,
                    before={k: before[k] for k in changed},
                    after=changed,
                )
    except IntegrityError as exc:
        raise _code_taken(data.code.strip()) from exc
    return locked


def retire_point(actor, point: Point, *, request=None) -> Point:
    """Retire a point (points are never deleted: inspections and problems keep pointing at them)."""
    _check_office(actor)
    _check_visible(actor, point)
    with transaction.atomic():
        locked = Point.objects.select_for_update().get(pk=point.pk)
        if locked.status == PointStatus.RETIRED:
            raise ActionError(_("This point is already retired."))
        locked.status = PointStatus.RETIRED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            request=request,
            user=actor,
            obj=locked,
            before={"status": PointStatus.ACTIVE},
            after={"status": PointStatus.RETIRED},
        )
    return locked


def leader_role_unit(point: Point) -> OrgUnit:
    """Where a point leader holds their role: their own unit, else the point's responsible unit."""
    return point.point_leader.unit or point.responsible_unit


def ensure_point_leader_role(actor, point: Point, *, request=None) -> RoleAssignment | None:
    """Give the point's leader the POINT_LEADER role at their unit if they lack it (audited)."""
    unit = leader_role_unit(point)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=point.point_leader, unit=unit, role=Role.POINT_LEADER
    )
    if not created:
        return None
    audit.record(
        AuditAction.CREATE,
        request=request,
        user=actor,
        obj=assignment,
        role=Role.POINT_LEADER.value,
        person=point.point_leader_id,
        unit=unit.pk,
        reason="point leader",
        point=point.pk,
    )
    return assignment


def add_photos(actor, point: Point, photos: tuple[CleanImage, ...], *, request=None) -> list[PointPhoto]:
    """Attach checked photos (core.uploads.clean_image) to a point."""
    if not can_upload_photos(actor, point):
        raise ActionError(_("You cannot add photos to this point."))
    if not photos:
        raise ActionError(_("Choose at least one photo."))
    created = []
    with transaction.atomic():
        for photo in photos:
            taken_at = timezone.make_aware(photo.taken_at) if photo.taken_at else None
            created.append(
                PointPhoto.objects.create(point=point, image=photo.file, taken_at=taken_at, uploaded_by=actor)
            )
        audit.record(AuditAction.UPDATE, request=request, user=actor, obj=point, photos_added=len(created))
    return created
