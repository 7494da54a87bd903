"""Issuing and revoking API keys (the campaign office, audited), and finding the key a request
carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.open311.models import ApiKey, hash_key, new_raw_key
from chuangcheng.org.choices import AREA_KINDS
from chuangcheng.org.models import OrgUnit

MAX_RAW_KEY = 200  # longer than any key we issue: refused without hashing


class KeyRefused(Exception):
    """A refused key operation, with a message fit to show."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def office_area(user) -> OrgUnit | None:
    """The area whose keys ``user`` manages: their office area, if they are its campaign office."""
    from chuangcheng.problems.actions import can_register

    if not user.is_authenticated:
        return None
    area = user.office_area()
    if area is None or area.kind not in AREA_KINDS or not can_register(user, area):
        return None
    return area


@dataclass
class Issued:
    key: ApiKey
    raw: str  # shown once, never stored


def issue_key(
    user, area: OrgUnit, name: str, expires_at: datetime | None = None, *, request=None, now=None
) -> Issued:
    from chuangcheng.problems.actions import can_register

    now = now or timezone.now()
    if area.kind not in AREA_KINDS or not can_register(user, area):
        audit.record(
            AuditAction.CREATE, request=request, user=user, result=AuditResult.DENIED, what="open311 key"
        )
        raise KeyRefused(_("Only the campaign office of the area issues its keys."), status=403)
    name = (name or "").strip()
    if not name:
        raise KeyRefused(_("Name the client the key is for."))
    if expires_at is not None and expires_at <= now:
        raise KeyRefused(_("The expiry must lie in the future."))
    raw = new_raw_key()
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name[:100],
            area=area,
            prefix=raw[: ApiKey._meta.get_field("prefix").max_length],
            key_hash=hash_key(raw),
            created_by=user,
            created_at=now,
            expires_at=expires_at,
        )
        # the key itself never reaches the log (security.md 20)
        audit.record(AuditAction.CREATE, request=request, user=user, obj=key, name=key.name)
    return Issued(key, raw)


def revoke_key(user, key_id: int, *, request=None, now=None) -> ApiKey:
    """Revoke a key of an area ``user`` runs as the office; 404 for any other key."""
    from chuangcheng.problems.actions import can_register

    now = now or timezone.now()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("area").filter(pk=key_id).first()
        if key is None or not can_register(user, key.area):
            if key is not None:
                audit.record(
                    AuditAction.UPDATE, request=request, user=user, obj=key, result=AuditResult.DENIED
                )
            raise KeyRefused(_("No such key."), status=404)
        if key.revoked_at is not None:
            return key
        key.revoked_at, key.revoked_by = now, user
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(AuditAction.UPDATE, request=request, user=user, obj=key, revoked=True)
    return key


def find_key(raw: str, now=None) -> ApiKey | None:
    """The usable key ``raw`` is (None for an unknown, revoked or expired one)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_RAW_KEY:
        return None
    return ApiKey.objects.usable(now).select_related("area").filter(key_hash=hash_key(raw)).first()
