"""Request id, idle/absolute session timeout, and deny-by-default login."""

import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from chuangcheng.core import audit
from chuangcheng.core.choices import AuditAction
from chuangcheng.utils.requestid import current_request_id


class RequestIdMiddleware:
    """Gives each request an id, shown on error pages and in logs, so a user's report can be traced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex[:16]
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request, or
    ``SESSION_ABSOLUTE_TIMEOUT_HOURS`` after login, whichever comes first (security.md 10).

    The last-activity stamp is written at most once a minute, so reading pages does not
    write the session row on every request.
    """

    KEY_LAST = "_last_activity"
    KEY_START = "_login_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        now = time.time()
        if user is not None and user.is_authenticated:
            session = request.session
            last = session.get(self.KEY_LAST, now)
            started = session.get(self.KEY_START, now)
            idle_limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
            if now - last > idle_limit or now - started > absolute_limit:
                audit.record(AuditAction.SESSION_EXPIRED, request=request, user=user)
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Please sign in again.")
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - last > 60:
                session[self.KEY_LAST] = now
        response = self.get_response(request)
        # Stamp a session that this request signed in (the login view has rotated it by now).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self.KEY_START not in request.session:
            request.session[self.KEY_START] = now
            request.session[self.KEY_LAST] = now
        return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's deny-by-default middleware; the API answers for itself.

    Under ``/api/`` DRF authenticates (sessions now, tokens later) and its default permission
    is IsAuthenticated, so an anonymous API call gets a 403 JSON error instead of a redirect
    to an HTML login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-
    language browser in a county office would get an English interface nobody asked for;
    here only the language cookie (set by the switch) counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
