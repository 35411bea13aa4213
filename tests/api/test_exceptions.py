"""Errors raised below the API become 400/403/404/412 answers, never a 500."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhongshu.api.exceptions import STALE_VERSION, exception_handler
from zhongshu.core.models import StaleVersionError


def handle(exc):
    return exception_handler(exc, {})


def test_field_errors_from_a_service():
    response = handle(ValidationError({"name": ["Too long."], "__all__": ["Clash."]}))

    assert response.status_code == 400
    assert response.data == {"name": ["Too long."], "non_field_errors": ["Clash."]}


def test_plain_validation_error():
    response = handle(ValidationError("Not allowed now."))

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Not allowed now."]}


def test_stale_version_is_412():
    assert handle(StaleVersionError()).status_code == 412
    assert handle(StaleVersionError()).data == {"detail": str(STALE_VERSION)}
    assert handle(StaleVersionError("Changed by 李四.")).data == {"detail": "Changed by 李四."}


@pytest.mark.parametrize(("exc", "status"), [(Http404(), 404), (PermissionDenied(), 403)])
def test_django_http_errors(exc, status):
    assert handle(exc).status_code == status


def test_other_errors_are_left_to_django():
    assert handle(RuntimeError("boom")) is None
