"""Sign-in, sessions and tokens (security.md A1–A7; CONVENTIONS.md "Sign-in and sessions").

One service for the web form and ``POST /api/token/``: the same lockout (django-axes, keyed on
username + IP, the mobile number mapped to the username), the same audit events and the same
message for a wrong password and a locked account.
"""

from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhongshu.core import audit
from zhongshu.core.models import AuditResult

from .backends import find_user
from .models import User, UserSession

SIGN_IN_FAILED = _("The user name or password is wrong, or the account is locked for a while.")
OTP_FAILED = _("The verification code is wrong or was already used.")

SESSION_SIGNED_IN_AT = "zs_signed_in_at"
SESSION_LAST_ACTIVITY = "zs_last_activity"
SESSION_PENDING_USER = "zs_pending_user"
SESSION_PENDING_AT = "zs_pending_at"
PENDING_TTL = timedelta(minutes=5)
SESSION_EXPIRY_MARGIN_SECONDS = 300


def axes_username(request, credentials) -> str:
    """Lock on the account, not on the spelling: a mobile number maps to its user name."""
    login = ""
    if credentials:
        login = credentials.get("username") or ""
    if not login and request is not None and hasattr(request, "POST"):
        login = request.POST.get("username", "")
    user = find_user(login)
    return user.username.lower() if user else login.strip().lower()


def axes_lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """A locked account sees exactly what a wrong password shows (A3)."""
    if original_response is not None:
        return original_response
    return render(request, "org/login.html", {"error": SIGN_IN_FAILED, "username": ""}, status=200)


@dataclass
class PasswordCheck:
    user: User | None
    locked: bool = False


def check_password(request, login: str, password: str) -> PasswordCheck:
    """Step one of signing in. Writes LOGIN_FAIL and, once per lock, LOCKED (A3, C1)."""
    credentials = {"username": login}
    was_locked = AxesProxyHandler.is_locked(request, credentials)
    user = auth.authenticate(request, username=login, password=password)
    if user is not None:
        return PasswordCheck(user=user)
    if was_locked:
        return PasswordCheck(user=None, locked=True)
    known = find_user(login)
    audit.record(
        "auth.login_failed",
        actor=known,
        actor_name=login,
        object_type="org.user",
        object_id=str(known.pk) if known else "",
        object_repr=str(known) if known else "",
        result=AuditResult.FAILURE,
    )
    now_locked = getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
        request, credentials
    )
    if now_locked:
        audit.record(
            "auth.locked",
            actor=known,
            actor_name=login,
            object_type="org.user",
            object_id=str(known.pk) if known else "",
            object_repr=str(known) if known else "",
            result=AuditResult.DENIED,
            detail={"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        )
    return PasswordCheck(user=None, locked=now_locked)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def verify_otp(user: User, token: str) -> TOTPDevice | None:
    """A TOTP code works once, ±1 step (A5); django-otp's ``last_t`` blocks replay."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def remember_pending(request, user: User) -> None:
    """Password accepted, second factor still to come: nothing is signed in yet."""
    request.session.cycle_key()
    request.session[SESSION_PENDING_USER] = user.pk
    request.session[SESSION_PENDING_AT] = timezone.now().timestamp()


def pending_user(request) -> User | None:
    pk = request.session.get(SESSION_PENDING_USER)
    at = request.session.get(SESSION_PENDING_AT)
    if not pk or not at:
        return None
    if timezone.now().timestamp() - at > PENDING_TTL.total_seconds():
        forget_pending(request)
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def forget_pending(request) -> None:
    request.session.pop(SESSION_PENDING_USER, None)
    request.session.pop(SESSION_PENDING_AT, None)


def record_otp_failure(request, user: User) -> None:
    audit.record(
        "auth.otp_failed",
        actor=user,
        obj=user,
        result=AuditResult.FAILURE,
    )


@transaction.atomic
def complete_sign_in(request, user: User, device: TOTPDevice | None = None) -> None:
    """Sign the user in with a new session key (A6) and a row that can end it later (A7)."""
    forget_pending(request)
    if user.initial_password_expires_at is not None:
        # An initial password is single-use: this sign-in spends it (B5).
        User.objects.filter(pk=user.pk).update(initial_password_expires_at=timezone.now())
        user.initial_password_expires_at = timezone.now()
    auth.login(request, user, backend="zhongshu.org.backends.UsernameOrMobileBackend")
    if device is not None:
        otp_login(request, device)
    now = timezone.now().timestamp()
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_LAST_ACTIVITY] = now
    request.session.set_expiry(session_expiry_seconds(user))
    request.session.save()
    UserSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=audit.context.current().ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    audit.record("auth.login", actor=user, obj=user, detail={"two_factor": device is not None})


def idle_seconds(user) -> int:
    minutes = (
        settings.SESSION_IDLE_MINUTES_ADMIN
        if getattr(user, "is_administrator", False)
        else settings.SESSION_IDLE_MINUTES
    )
    return minutes * 60


def session_expiry_seconds(user) -> int:
    """The session row outlives the idle limit a little, so that the middleware, not the
    session store, notices the idle session and deletes its row (A4: "the session row is
    gone"); a row that simply expired would linger until ``clearsessions``."""
    return idle_seconds(user) + SESSION_EXPIRY_MARGIN_SECONDS


def end_all_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """End every web session and API token of the user (A7): sign-out, disable, password change."""
    from knox.models import AuthToken

    rows = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    # The rows stay as the sign-in history the user and the administrator see.
    ended = rows.update(ended_at=timezone.now())
    AuthToken.objects.filter(user=user).delete()
    return ended


def session_ended(session_key: str | None) -> None:
    """A session ended by the idle or absolute limit leaves its history row marked ended."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def open_sessions(user: User):
    """Sign-ins whose session is still alive (not ended, not expired)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, ended_at__isnull=True, session_key__in=live)


@transaction.atomic
def sign_out(request) -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit.record("auth.logout", actor=user, obj=user)
        end_all_sessions(user)
    auth.logout(request)


def password_expired(user: User) -> bool:
    """等保 8.1.4.1a: a password lives N days (fewer for users cleared for 秘密 and above)."""
    if user.is_demo_account and settings.DEMO_MODE:
        return False
    if user.must_change_password:
        return True
    changed = user.password_changed_at or user.date_joined
    from zhongshu.core.models import Classification

    days = (
        settings.PASSWORD_MAX_AGE_DAYS_CLASSIFIED
        if user.clearance >= Classification.SECRET
        else settings.PASSWORD_MAX_AGE_DAYS
    )
    return timezone.now() - changed > timedelta(days=days)


def session_rekey(user: User, old_key: str | None, new_key: str | None) -> None:
    """Keep the sign-in row pointing at the session after its key was cycled."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(user=user, session_key=old_key).update(session_key=new_key)


@transaction.atomic
def token_issue(user: User, *, two_factor: bool):
    """A new API token (hashed and expiring, by knox), or None past the per-user limit.
    Expired tokens are cleared first so they don't count."""
    from knox.models import AuthToken
    from knox.settings import knox_settings

    tokens = AuthToken.objects.filter(user=user)
    tokens.filter(expiry__lt=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and tokens.count() >= limit:
        return None
    instance, token = AuthToken.objects.create(user)
    audit.record(
        "auth.token_issued",
        actor=user,
        obj=user,
        detail={"expiry": instance.expiry.isoformat(), "two_factor": two_factor},
    )
    return instance, token


@transaction.atomic
def token_revoke(user: User, token) -> None:
    audit.record("auth.logout", actor=user, obj=user, detail={"token": True})
    token.delete()


@transaction.atomic
def tokens_revoke_all(user: User) -> int:
    from knox.models import AuthToken

    ended = AuthToken.objects.filter(user=user).delete()[0]
    audit.record("auth.logout_all", actor=user, obj=user, detail={"tokens": ended})
    return ended
