"""Site-wide views: the home page (工作台), health check, lockout and error pages."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction, AuditResult
from chuangcheng.core.forms import LoginForm

logger = logging.getLogger(__name__)


def login_not_required_view(view):
    """Mark a third-party view as public (Django's LoginRequiredMiddleware otherwise guards it)."""
    return login_not_required(view)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query; 503 otherwise. For load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this when a username or address is locked.

    The message is the same whether or not the username exists (security.md 9).
    """
    username = str((credentials or {}).get("username", ""))[:150]
    audit.record(AuditAction.LOCKED_OUT, request=request, username=username, result=AuditResult.DENIED)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed sign-in attempts. Sign-in is locked for {minutes} minutes; please try later."
    ).format(minutes=minutes)
    form = LoginForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "lockout_message": message}, status=429)


def _error(request, status, title, message):
    return render(
        request,
        "core/error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "request_id": getattr(request, "request_id", ""),
        },
        status=status,
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    audit.record(
        AuditAction.ACCESS_DENIED, request=request, result=AuditResult.DENIED, path=request.path[:200]
    )
    return _error(request, 403, _("Access denied"), _("You do not have permission to do this."))


def page_not_found(request, exception=None):
    return _error(
        request, 404, _("Not found"), _("The page does not exist, or you are not allowed to see it.")
    )


def server_error(request):
    # No template context processors here: the database may be the thing that failed.
    body = _(
        "Something went wrong on our side. Please try again later; if it keeps happening, "
        "give the administrator this request id: {id}"
    ).format(id=getattr(request, "request_id", "-"))
    return HttpResponse(
        f"<!doctype html><meta charset=utf-8><title>500</title><p>{body}</p>",
        status=500,
        content_type="text/html; charset=utf-8",
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded in the audit log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditAction.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response
