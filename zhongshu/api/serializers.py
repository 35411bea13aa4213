from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, trim_whitespace=True, help_text=_("User name or mobile number.")
    )
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=_("The current authenticator code, for accounts that need two-factor sign-in."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as the header `Authorization: Token <token>`."))
    expiry = serializers.DateTimeField()


class DetailSerializer(serializers.Serializer):
    """The body of an error that is not about one field."""

    detail = serializers.CharField()
