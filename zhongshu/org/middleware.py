"""Session limits, forced password change, required second factor, the user's language.

CONVENTIONS.md: idle timeout recorded at most once a minute and never by polling requests (so a
page left open with a refreshing badge still goes idle), a 12-hour absolute limit, 15 minutes
idle for the three administrators (security.md A2, A4, A5).
"""

from django.conf import settings
from django.contrib import auth
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import signin

ACTIVITY_GRANULARITY_SECONDS = 60
POLL_HEADER = "HTTP_X_ZHONGSHU_POLL"

# Paths a signed-in user may still reach while a password change or second factor is due.
OPEN_PREFIXES = ("/static/", "/healthz", "/lang/", "/logout/", "/login/", "/favicon")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _deny(request, message: str, url_name: str):
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return redirect(reverse(url_name))


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            response = self._enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request, user):
        session = request.session
        now = timezone.now().timestamp()
        signed_in_at = session.get(signin.SESSION_SIGNED_IN_AT)
        last_activity = session.get(signin.SESSION_LAST_ACTIVITY)
        if signed_in_at is None:
            # A session made outside the sign-in form (tests' force_login): start its clocks.
            session[signin.SESSION_SIGNED_IN_AT] = signed_in_at = now
            session[signin.SESSION_LAST_ACTIVITY] = last_activity = now
            session.set_expiry(signin.session_expiry_seconds(user))
        absolute = settings.SESSION_ABSOLUTE_HOURS * 3600
        idle = signin.idle_seconds(user)
        if now - signed_in_at > absolute or now - last_activity > idle:
            signin.session_ended(session.session_key)
            auth.logout(request)  # flushes the session row
            if _is_api(request):
                return JsonResponse({"detail": _("Your session has ended.")}, status=401)
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        if now - last_activity >= ACTIVITY_GRANULARITY_SECONDS and not request.META.get(
            POLL_HEADER
        ):
            session[signin.SESSION_LAST_ACTIVITY] = now
            session.set_expiry(signin.session_expiry_seconds(user))

        if request.path.startswith(OPEN_PREFIXES):
            return None
        if user.requires_two_factor and not user.is_verified():
            return _deny(request, _("Two-factor verification is required."), "org:two_factor_setup")
        if request.path.startswith(("/account/password/", "/account/two-factor/")):
            return None
        if signin.password_expired(user):
            return _deny(request, _("You must change your password first."), "org:password_change")
        return None


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
