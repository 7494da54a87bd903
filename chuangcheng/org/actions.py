"""Operations that change org data. Pages, the API and the demo all call these."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.uploads import CleanImage
from chuangcheng.org.choices import OFFICE_ROLES, Role
from chuangcheng.org.models import OrgUnit, Pairing, User, Visit, VisitPhoto


class ActionError(Exception):
    """An action refused; the message is for the user."""


@dataclass(frozen=True)
class VisitInput:
    pairing: Pairing
    visited_on: object  # date
    notes: str
    photos: tuple[CleanImage, ...] = ()


def pairings_loggable_by(user: User):
    """The active pairings ``user`` may log a visit for: a leader their own; the office any in scope."""
    pairings = Pairing.objects.visible_to(user).active().select_related("leader", "unit")
    if user.is_superuser or user.has_role(*OFFICE_ROLES):
        return pairings
    if user.has_role(Role.LEADER):
        return pairings.filter(leader=user)
    return pairings.none()


def check_can_log_visit(actor: User, data: VisitInput) -> None:
    if not pairings_loggable_by(actor).filter(pk=data.pairing.pk).exists():
        raise ActionError(_("You cannot log a visit for this pairing."))
    if data.visited_on > timezone.localdate():
        raise ActionError(_("The date of the visit cannot be in the future."))
    if data.visited_on < data.pairing.started_on or (
        data.pairing.ended_on is not None and data.visited_on > data.pairing.ended_on
    ):
        raise ActionError(_("The date of the visit lies outside the pairing's period."))


def log_visit(actor: User, data: VisitInput, *, request=None) -> Visit:
    """Record a leader's visit (督战) to a paired unit, with its photos, in one transaction."""
    check_can_log_visit(actor, data)
    with transaction.atomic():
        visit = Visit.objects.create(
            leader=data.pairing.leader,
            unit=data.pairing.unit,
            pairing=data.pairing,
            visited_on=data.visited_on,
            notes=data.notes,
            recorded_by=actor,
        )
        for photo in data.photos:
            taken_at = timezone.make_aware(photo.taken_at) if photo.taken_at else None
            VisitPhoto.objects.create(visit=visit, image=photo.file, taken_at=taken_at)
        audit.record(AuditAction.CREATE, request=request, user=actor, obj=visit, photos=len(data.photos))
    return visit


def can_edit_responsibility(actor: User, unit: OrgUnit) -> bool:
    """Who keeps a unit's 一把手 / 分管领导 / 专职干部 on record: the campaign office for any unit
    in its area, and a unit administrator for their own unit and the units below it."""
    if not actor.is_active or not actor.can_see_unit(unit):
        return False
    if actor.is_superuser or actor.has_role(*OFFICE_ROLES):
        return True
    return any(unit.path.startswith(own.path) for own in actor.units_with_role(Role.UNIT_ADMIN))


def update_responsibility(
    actor: User, unit: OrgUnit, *, principal, leader_in_charge, full_time_staff, request=None
) -> OrgUnit:
    """Record who answers for a unit. Every person named must belong to the unit."""
    if not can_edit_responsibility(actor, unit):
        raise ActionError(_("You cannot change this unit's responsibility record."))
    named = [p for p in (principal, leader_in_charge, *full_time_staff) if p is not None]
    if any(person.unit_id != unit.pk for person in named):
        raise ActionError(_("Everyone named must be a member of the unit."))
    with transaction.atomic():
        locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        before = {
            "principal": locked.principal_id,
            "leader_in_charge": locked.leader_in_charge_id,
            "full_time_staff": sorted(locked.full_time_staff.values_list("pk", flat=True)),
        }
        locked.principal = principal
        locked.leader_in_charge = leader_in_charge
        locked.save(update_fields=["principal", "leader_in_charge", "updated_at"])
        locked.full_time_staff.set(full_time_staff)
        after = {
            "principal": getattr(principal, "pk", None),
            "leader_in_charge": getattr(leader_in_charge, "pk", None),
            "full_time_staff": sorted(p.pk for p in full_time_staff),
        }
        audit.record(AuditAction.UPDATE, request=request, user=actor, obj=locked, before=before, after=after)
    return locked
