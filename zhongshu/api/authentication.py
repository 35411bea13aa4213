import re

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication

from zhongshu.org import signin

# knox tokens are printable ASCII (an optional prefix and hex digits). Anything else is refused
# before it reaches the database: a NUL byte would make PostgreSQL fail the query, and a header
# that is not UTF-8 would make knox's decode fail.
TOKEN_SHAPE = re.compile(rb"[\x21-\x7e]{1,200}")
PASSWORD_EXPIRED = _("Your password has expired. Change it in the web application first.")


class SessionAuthentication(DrfSessionAuthentication):
    """The browser's session, CSRF-checked as DRF does."""


class TokenAuthentication(KnoxTokenAuthentication):
    """Hashed, expiring knox tokens from ``POST /api/token/``.

    The session middleware cannot see token users (DRF authenticates them inside the view), so
    the password-age rule it applies to the web is applied here: a token outliving its user's
    password stops working until the password is changed (security.md A2).
    """

    def authenticate_credentials(self, token: bytes):
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if signin.password_expired(user):
            raise exceptions.PermissionDenied(PASSWORD_EXPIRED)
        return user, auth_token
