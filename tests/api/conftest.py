import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture
def api():
    return APIClient()


def issue_token(api, username, password=PASSWORD, **extra):
    return api.post(
        reverse("api:token"), {"username": username, "password": password, **extra}, format="json"
    )


def token_for(api, user) -> str:
    """A real token through ``POST /api/token/`` (second factor included where needed)."""
    extra = {}
    if user.requires_two_factor:
        extra["otp"] = current_code(device_for(user))
    response = issue_token(api, user.username, **extra)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def token_client():
    """An APIClient signed in with a token, as an external client would be."""

    def _client(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, user)}")
        return client

    return _client


def client_as(user):
    """An API client signed in as ``user`` (the session path, no token)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_client_as(user):
    """Signed in the way an external client is: a real token from ``POST /api/token/``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client, user)}")
    return client
