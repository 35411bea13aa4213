"""API tokens and the API documentation (CONVENTIONS.md, "Sign-in and sessions").

Tokens come from the same sign-in service as the web form (``zhongshu.org.signin``): the same
django-axes lockout keyed on user name + IP, the same audit events and the same answer for a
wrong password and a locked account (security.md A3). Knox stores only a hash of each token,
which expires after ``REST_KNOX["TOKEN_TTL"]``.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from knox.models import AuthToken
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from zhongshu.org import signin

from .authentication import PASSWORD_EXPIRED
from .serializers import DetailSerializer, TokenObtainSerializer, TokenSerializer

OTP_REQUIRED = _("Enter the code from your authenticator app.")
TWO_FACTOR_NOT_SET_UP = _(
    "This account needs two-factor sign-in. Set it up in the web application first."
)
TOO_MANY_TOKENS = _(
    "You have too many active API tokens. Sign out in the web application to end them."
)

OTP_ERROR = inline_serializer(
    "OtpError", fields={"otp": serializers.ListField(child=serializers.CharField())}
)


class TokenView(APIView):
    """Exchange a user name, password and (where required) TOTP code for an API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                DetailSerializer,
                description=_("Wrong user name or password, a locked account, or a bad code."),
            ),
            403: OpenApiResponse(
                DetailSerializer,
                description=_("The password must be changed, or two-factor set up, first."),
            ),
            429: OpenApiResponse(DetailSerializer, description=_("Too many attempts.")),
        },
        auth=[],
        tags=["account"],
    )
    def post(self, request):
        form = TokenObtainSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        http_request = request._request  # axes and the audit context work on Django's request

        result = signin.check_password(http_request, data["username"], data["password"])
        if result.user is None:
            return Response({"detail": signin.SIGN_IN_FAILED}, status=status.HTTP_400_BAD_REQUEST)
        user = result.user

        device = None
        if user.requires_two_factor:
            if signin.confirmed_device(user) is None:
                return Response({"detail": TWO_FACTOR_NOT_SET_UP}, status=status.HTTP_403_FORBIDDEN)
            code = data.get("otp", "")
            if not code:
                return Response({"otp": [OTP_REQUIRED]}, status=status.HTTP_400_BAD_REQUEST)
            device = signin.verify_otp(user, code)
            if device is None:
                signin.record_otp_failure(http_request, user)
                return Response({"otp": [signin.OTP_FAILED]}, status=status.HTTP_400_BAD_REQUEST)

        if signin.password_expired(user):
            return Response({"detail": PASSWORD_EXPIRED}, status=status.HTTP_403_FORBIDDEN)

        issued = signin.token_issue(user, two_factor=device is not None)
        if issued is None:
            return Response({"detail": TOO_MANY_TOKENS}, status=status.HTTP_403_FORBIDDEN)
        instance, token = issued
        # Resets the axes failure count as a web sign-in does, and records last_login.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    """End the token this request came with; a browser session is signed out as on the web."""

    @extend_schema(request=None, responses={204: None}, tags=["account"])
    def post(self, request):
        user = request.user
        if isinstance(request.auth, AuthToken):
            signin.token_revoke(user, request.auth)
            user_logged_out.send(sender=user.__class__, request=request._request, user=user)
        else:
            signin.sign_out(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every API token of the user (web sessions are left alone)."""

    @extend_schema(request=None, responses={204: None}, tags=["account"])
    def post(self, request):
        user = request.user
        signin.tokens_revoke_all(user)
        user_logged_out.send(sender=user.__class__, request=request._request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar, for signed-in users.

    The split view serves the init script as a second request, so the page needs no inline
    script; our template moves the stylesheet's inline ``<style>`` into a static file, so the
    page runs under ``script-src 'self'; style-src 'self'`` (security.md E7).
    """

    permission_classes = [permissions.IsAuthenticated]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
