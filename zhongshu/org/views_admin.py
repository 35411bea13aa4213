"""Consoles of the three separated administrators (三员分立, 等保 8.1.5; security.md B4, B5).

The system administrator manages accounts and configuration, the security administrator grants
roles, clearances and administrator roles, the audit administrator reads the audit log (core).
Each page lets exactly one of them in; the services check the role again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core.denials import deny, require
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.models import StaleVersionError, SystemConfig
from zhongshu.core.rules import is_secadmin, is_sysadmin

from . import selectors, services_accounts, signin
from .forms_admin import AccountCreateForm, AccountFilterForm, ConfigForm, GrantForm

PAGE_SIZE = 50
STALE_TEXT = gettext_lazy(
    "Someone else changed this in the meantime. Reload the page and apply your change again."
)


def _accounts_page(request, *, with_roles: bool = False):
    """Filter and keyset-page the accounts (newest first): no COUNT(*) of the user table."""
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.accounts_for_administrators(
        q=data.get("q", ""),
        state=data.get("state", ""),
        unit=data.get("unit"),
        before=data.get("cursor"),
        limit=PAGE_SIZE + 1,
        with_roles=with_roles,
    )
    next_url = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        params = request.GET.copy()
        params["cursor"] = rows[-1].pk
        next_url = f"?{params.urlencode()}"
    return form, rows, next_url


def _list_template(request, name: str) -> str:
    return f"{name}#table" if request.htmx else name


# --- System administrator: accounts and configuration --------------------------------------


@vary_on_headers("HX-Request")
@require(is_sysadmin)
def account_list(request):
    form, rows, next_url = _accounts_page(request)
    context = {"filter_form": form, "rows": rows, "next_url": next_url}
    return render(request, _list_template(request, "org/admin_accounts.html"), context)


@never_cache
@require(is_sysadmin)
def account_create(request):
    form = AccountCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                account = services_accounts.account_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, _("The account was created. Open it to issue the initial password.")
                )
                return redirect("org:account_detail", pk=account.pk)
    return render(request, "org/admin_account_create.html", {"form": form}, status=status)


@never_cache
@require(is_sysadmin)
def account_detail(request, pk):
    account = selectors.account_for_administrators(pk)
    context = {
        "account": account,
        "is_self": account.pk == request.user.pk,
        "roles": [grant.get_role_display() for grant in account.role_grants.all()],
        "session_count": signin.open_sessions(account).count(),
        "locked": services_accounts.account_locked(account),
    }
    return render(request, "org/admin_account_detail.html", context)


ACCOUNT_ACTIONS = {
    "open": (services_accounts.account_open, ""),
    "reset": (services_accounts.account_open, ""),
    "disable": (
        services_accounts.account_disable,
        gettext_lazy("The account was disabled and signed out."),
    ),
    "enable": (services_accounts.account_enable, gettext_lazy("The account was enabled.")),
    "close": (services_accounts.account_close, gettext_lazy("The account was closed.")),
    "kill-sessions": (
        services_accounts.account_sessions_end,
        gettext_lazy("Every session of the account was ended."),
    ),
    "unlock": (services_accounts.account_unlock, gettext_lazy("The sign-in lock was lifted.")),
}


@never_cache
@require_POST
@require(is_sysadmin)
def account_action(request, pk, action):
    if action not in ACCOUNT_ACTIONS:
        raise Http404
    account = selectors.account_for_administrators(pk)
    service, done = ACCOUNT_ACTIONS[action]
    kwargs = {"reset": action == "reset"} if service is services_accounts.account_open else {}
    try:
        result = service(actor=request.user, user=account, **kwargs)
    except PermissionDenied:
        deny(request, status=403, object_type="org.user", object_id=account.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("org:account_detail", pk=account.pk)
    if action in {"open", "reset"}:
        # Shown on this response only: never stored in the session, a message or the log.
        account.refresh_from_db()
        context = {"account": account, "password": result, "reset": action == "reset"}
        response = render(request, "org/admin_account_password.html", context)
        response["Cache-Control"] = "no-store"
        return response
    messages.success(request, done)
    return redirect("org:account_detail", pk=account.pk)


@never_cache
@require(is_sysadmin)
def config_edit(request):
    config = SystemConfig.get()
    form = ConfigForm(request.POST or None, instance=config)
    status = 200
    if request.method == "POST" and form.is_valid():
        fresh = SystemConfig.get()  # the ModelForm wrote the posted values onto ``config``
        values = {name: form.cleaned_data[name] for name in ConfigForm.Meta.fields}
        try:
            services_accounts.config_update(
                actor=request.user,
                config=fresh,
                expected_version=form.cleaned_data["version"],
                **values,
            )
        except StaleVersionError:
            form.add_error(None, STALE_TEXT)
            status = 412
        else:
            messages.success(request, _("The configuration was saved."))
            return redirect("org:config_edit")
    return render(request, "org/admin_config.html", {"form": form}, status=status)


# --- Security administrator: roles, clearances, administrator roles -------------------------


@vary_on_headers("HX-Request")
@require(is_secadmin)
def grant_list(request):
    form, rows, next_url = _accounts_page(request, with_roles=True)
    context = {"filter_form": form, "rows": rows, "next_url": next_url}
    return render(request, _list_template(request, "org/admin_grants.html"), context)


@never_cache
@require(is_secadmin)
def grant_edit(request, pk):
    account = selectors.account_for_administrators(pk)
    is_self = account.pk == request.user.pk
    editable = not is_self and account.closed_at is None
    form = GrantForm.for_user(account, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if is_self:
            deny(request, status=403, object_type="org.user", object_id=account.pk)
        if not editable:
            messages.error(request, _("This account is closed; closed accounts cannot be changed."))
            return redirect("org:grant_edit", pk=account.pk)
        if form.is_valid():
            try:
                changed = services_accounts.grants_apply(
                    actor=request.user,
                    user=account,
                    expected_version=form.cleaned_data["version"],
                    roles=form.cleaned_data["roles"],
                    admin_role=form.cleaned_data["admin_role"],
                    clearance=form.cleaned_data["clearance"],
                )
            except StaleVersionError:
                form.add_error(None, STALE_TEXT)
                status = 412
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
                status = 400
            else:
                if changed:
                    messages.success(request, _("Saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("org:grant_edit", pk=account.pk)
        else:
            status = 400
    context = {
        "account": account,
        "form": form,
        "is_self": is_self,
        "editable": editable,
    }
    return render(request, "org/admin_grant_edit.html", context, status=status)
