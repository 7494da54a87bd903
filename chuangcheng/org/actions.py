"""Operations that change org data. Pages, the API and the demo all call these."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.core.uploads import CleanImage
from chuangcheng.org.choices import OFFICE_ROLES, Role
from chuangcheng.org.models import Pairing, User, Visit, VisitPhoto


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
