"""Sign-in, second factor, password change, sign-out, language: thin views over ``signin``."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhongshu.core.models import SystemConfig

from . import passwords, services_accounts, signin
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .forms_auth import LoginForm, OtpForm, PasswordChangeForm, ProfileForm
from .models import Language

MAX_OTP_FAILURES = 5


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _login_context(request, form, error=""):
    return {
        "form": form,
        "error": error,
        "next": _safe_next(request, ""),
        "config": SystemConfig.get(),
        "demo_accounts": DEMO_ACCOUNTS if settings.DEMO_MODE else [],
        "demo_password": DEMO_PASSWORD if settings.DEMO_MODE else "",
    }


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("core:home")))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = signin.check_password(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.user is None:
            return render(
                request, "org/login.html", _login_context(request, form, signin.SIGN_IN_FAILED)
            )
        user = result.user
        if user.requires_two_factor:
            signin.remember_pending(request, user)
            request.session["zs_next"] = _safe_next(request, "")
            return redirect("org:login_verify")
        signin.complete_sign_in(request, user)
        return redirect(_safe_next(request, reverse("core:home")))
    return render(request, "org/login.html", _login_context(request, form))


def _qr_svg(device) -> str:
    # The SVG is generated from our own otpauth URI, not user markup.
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4))  # noqa: S308


@sensitive_post_parameters("otp")
@never_cache
def login_verify(request):
    """Second step: a TOTP code, or, for a user who must use 2FA and has none, its setup."""
    user = signin.pending_user(request)
    if user is None:
        return redirect("org:login")
    device = signin.confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = services_accounts.totp_device_pending(user=user)
    form = OtpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        verified = (
            services_accounts.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["otp"]
            )
            if setting_up
            else signin.verify_otp(user, form.cleaned_data["otp"])
        )
        if verified is not None:
            target = request.session.pop("zs_next", "") or reverse("core:home")
            signin.complete_sign_in(request, user, verified)
            return redirect(target)
        signin.record_otp_failure(request, user)
        failures = request.session.get("zs_otp_failures", 0) + 1
        request.session["zs_otp_failures"] = failures
        if failures >= MAX_OTP_FAILURES:
            signin.forget_pending(request)
            request.session.pop("zs_otp_failures", None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("org:login")
        error = str(signin.OTP_FAILED)
    context = {
        "form": form,
        "error": error,
        "setting_up": setting_up,
        "pending_user": user,
        "qr": _qr_svg(device) if setting_up else "",
        "secret": services_accounts.totp_secret_text(device) if setting_up else "",
    }
    return render(request, "org/login_verify.html", context)


@require_POST
def logout_view(request):
    signin.sign_out(request)
    response = HttpResponseRedirect(reverse("org:login"))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_POST
def set_language(request):
    """Language switch for everyone; a signed-in user's choice is stored on the account."""
    code = request.POST.get("language", "")
    target = _safe_next(request, reverse("core:home"))
    response = HttpResponseRedirect(target)
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services_accounts.profile_update(actor=request.user, user=request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )
    return response


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"language": user.language, "email": user.email}
    )
    if request.method == "POST" and form.is_valid():
        services_accounts.profile_update(
            actor=user,
            user=user,
            language=form.cleaned_data["language"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("Saved."))
        return redirect("org:profile")
    context = {
        "form": form,
        "posts": services_accounts.posts_of(user),
        "sessions": user.sessions.order_by("-created_at")[:10],
        "has_device": signin.confirmed_device(user) is not None,
        "languages_choices": Language.choices,
    }
    return render(request, "org/profile.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request):
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        old_key = request.session.session_key
        try:
            passwords.password_change(
                actor=user,
                user=user,
                raw_password=form.cleaned_data["new_password1"],
                keep_session_key=old_key,
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)  # cycles the session key too
            signin.session_rekey(user, old_key, request.session.session_key)
            messages.success(request, _("Your password was changed. Other sessions were ended."))
            return redirect("core:home")
    context = {
        "form": form,
        "forced": signin.password_expired(user),
        "must_change": user.must_change_password,
    }
    return render(request, "org/password_change.html", context)


@sensitive_post_parameters("otp")
@login_required
def two_factor_setup(request):
    """Set up TOTP, or verify it for this session when the account requires it (A5)."""
    user = request.user
    device = signin.confirmed_device(user)
    form = OtpForm(request.POST or None)
    error = ""
    if device is not None and not user.is_verified():
        # Required second factor not yet given in this session.
        if request.method == "POST" and form.is_valid():
            verified = signin.verify_otp(user, form.cleaned_data["otp"])
            if verified is not None:
                otp_login(request, verified)
                return redirect("core:home")
            signin.record_otp_failure(request, user)
            error = str(signin.OTP_FAILED)
        return render(
            request, "org/two_factor.html", {"mode": "verify", "form": form, "error": error}
        )
    if device is not None:
        return render(
            request,
            "org/two_factor.html",
            {"mode": "enabled", "device": device, "can_disable": not user.requires_two_factor},
        )
    pending = services_accounts.totp_device_pending(user=user)
    if request.method == "POST" and form.is_valid():
        confirmed = services_accounts.totp_device_confirm(
            user=user, device=pending, token=form.cleaned_data["otp"]
        )
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("org:two_factor_setup")
        error = str(signin.OTP_FAILED)
    context = {
        "mode": "setup",
        "form": form,
        "error": error,
        "qr": _qr_svg(pending),
        "secret": services_accounts.totp_secret_text(pending),
        "required": user.requires_two_factor,
    }
    return render(request, "org/two_factor.html", context)


@require_POST
@login_required
def two_factor_disable(request):
    if request.user.requires_two_factor:
        messages.error(request, _("Your account must use two-factor sign-in."))
    else:
        services_accounts.totp_devices_remove(actor=request.user, user=request.user)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("org:two_factor_setup")
