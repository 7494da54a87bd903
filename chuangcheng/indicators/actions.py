"""Operations that change indicator data. Pages, the API, commands and the demo call these."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.indicators.choices import PeriodType, SystemStatus
from chuangcheng.indicators.models import AssessmentSystem, Metric, MetricValue
from chuangcheng.org.choices import Role
from chuangcheng.org.models import OrgUnit, User


class ActionError(Exception):
    """An action refused; the message is for the user."""


# --- assessment systems ------------------------------------------------------------------


def archive_active_systems(area, title, city_level, *, keep_pk=None) -> list[int]:
    """Archive the active system(s) of one title and level in an area (locking them), so another
    can become active; returns their ids. Every activation goes through here: the status page,
    the spreadsheet import and the reference loader."""
    archived = []
    others = AssessmentSystem.objects.select_for_update().filter(
        area=area, title=title, city_level=city_level, status=SystemStatus.ACTIVE
    )
    for other in others.exclude(pk=keep_pk):
        other.status = SystemStatus.ARCHIVED
        other.save(update_fields=["status", "updated_at"])
        archived.append(other.pk)
    return archived


STATUS_STEPS = {
    (SystemStatus.DRAFT, SystemStatus.ACTIVE),
    (SystemStatus.DRAFT, SystemStatus.ARCHIVED),
    (SystemStatus.ACTIVE, SystemStatus.ARCHIVED),
    (SystemStatus.ARCHIVED, SystemStatus.ACTIVE),
}


def can_manage_area(actor: User, area: OrgUnit) -> bool:
    """The campaign office of an area (or of the city above it) manages its systems and metrics."""
    return actor.is_active and actor.is_office and actor.can_see_unit(area)


def set_system_status(actor: User, system_id: int, status: str, *, request=None) -> AssessmentSystem:
    """Move a system along draft → active → archived. Activating one archives the system of the
    same title and level that was active in the area, in the same transaction."""
    with transaction.atomic():
        system = AssessmentSystem.objects.select_for_update().select_related("area").get(pk=system_id)
        if not can_manage_area(actor, system.area):
            raise ActionError(_("Only the campaign office can change a system's status."))
        if (system.status, status) not in STATUS_STEPS:
            raise ActionError(
                _("A system cannot go from “{old}” to “{new}”.").format(
                    old=system.get_status_display(), new=SystemStatus(status).label
                )
            )
        replaced = []
        if status == SystemStatus.ACTIVE:
            replaced = archive_active_systems(system.area, system.title, system.city_level, keep_pk=system.pk)
        old = system.status
        system.status = status
        system.save(update_fields=["status", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            request=request,
            user=actor,
            obj=system,
            status_from=old,
            status_to=status,
            archived=replaced,
        )
    return system


# --- metric values ---------------------------------------------------------------------------


def period_start_for(period_type: str, day: datetime.date) -> datetime.date:
    """The first day of the period (month, quarter or year) that contains ``day``."""
    if period_type == PeriodType.MONTH:
        return day.replace(day=1)
    if period_type == PeriodType.QUARTER:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return datetime.date(day.year, 1, 1)


def can_report_metric(actor: User, metric: Metric) -> bool:
    """The office of the metric's area, or the staff of its source department."""
    if can_manage_area(actor, metric.area):
        return True
    if metric.source_unit_id is None:
        return False
    return any(
        unit.pk == metric.source_unit_id for unit in actor.units_with_role(Role.UNIT_ADMIN, Role.UNIT_STAFF)
    )


@dataclass(frozen=True)
class MetricValueInput:
    metric: Metric
    unit: OrgUnit
    period_start: datetime.date
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    evidence: object = None  # an UploadedFile already checked by the form


def _computed_value(data: MetricValueInput) -> Decimal:
    metric = data.metric
    if data.numerator is not None or data.denominator is not None:
        if data.numerator is None or data.denominator is None:
            raise ValidationError(
                {"denominator": _("Give both the numerator and the denominator, or neither.")}
            )
        if data.denominator <= 0:
            raise ValidationError({"denominator": _("The denominator must be greater than zero.")})
        if data.numerator < 0:
            raise ValidationError({"numerator": _("The numerator cannot be negative.")})
        factor = Decimal("100") if metric.unit_of_measure.strip() == "%" else Decimal("1")
        try:
            return (data.numerator / data.denominator * factor).quantize(Decimal("0.0001"))
        except InvalidOperation as exc:
            raise ValidationError({"value": _("The value is too large.")}) from exc
    if data.value is None:
        raise ValidationError({"value": _("Enter the value, or the numerator and denominator.")})
    return data.value


def record_metric_value(actor: User, data: MetricValueInput, *, request=None) -> MetricValue:
    """Record a metric's value for a period and unit. A value already recorded for the same
    period and unit is not changed: the new row corrects it (``supersedes``) and both stay."""
    metric = data.metric
    if not can_report_metric(actor, metric):
        raise ActionError(_("You cannot report values for this metric."))
    if not (data.unit.pk == metric.area_id or data.unit.path.startswith(metric.area.path)):
        raise ActionError(_("The unit does not belong to the metric's area."))
    value = _computed_value(data)
    period_start = period_start_for(metric.period_type, data.period_start)
    with transaction.atomic():
        # Lock the metric, not the values: "the current value" is found through an outer join
        # (PostgreSQL cannot lock that side), and two people correcting the same period must
        # queue so that only one row supersedes the old value.
        Metric.objects.select_for_update().filter(pk=metric.pk).first()
        current = MetricValue.objects.filter(
            metric=metric, unit=data.unit, period_start=period_start, superseded_by__isnull=True
        ).first()
        if current is not None and not data.note.strip():
            raise ValidationError({"note": _("A value for this period exists; say why it is corrected.")})
        row = MetricValue.objects.create(
            metric=metric,
            unit=data.unit,
            period_start=period_start,
            value=value,
            numerator=data.numerator,
            denominator=data.denominator,
            note=data.note.strip(),
            evidence=data.evidence or "",
            entered_by=actor,
            supersedes=current,
        )
        audit.record(
            AuditAction.CREATE,
            request=request,
            user=actor,
            obj=row,
            metric=metric.code,
            period=period_start.isoformat(),
            corrects=current.pk if current else None,
        )
    return row
