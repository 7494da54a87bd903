"""Writing the audit log. Call ``record()`` from actions; login events are wired here."""

import logging

from axes.helpers import get_client_ip_address
from django.contrib.auth import signals as auth_signals

from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.core.models import AuditLog

logger = logging.getLogger(__name__)


def _client_ip(request):
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except ValueError:
        return None


def record(action, *, request=None, user=None, obj=None, result=AuditResult.SUCCESS, username="", **detail):
    """Append one audit entry. ``detail`` must never hold passwords, tokens or whole phone numbers."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    unit = getattr(user, "unit", None) if user is not None else None
    return AuditLog.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        unit_id=getattr(unit, "pk", None),
        unit_name=str(unit)[:200] if unit is not None else "",
        ip_address=_client_ip(request),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        result=result,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail,
    )


def _on_login(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, request=request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, request=request, user=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    # The username typed is kept (it may not exist); the password never is.
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        result=AuditResult.FAILURE,
    )


def connect_auth_signals():
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="core.audit.login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="core.audit.logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="core.audit.login_failed")
