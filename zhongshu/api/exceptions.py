"""One error format for the API (CONVENTIONS.md, "HTTP conventions").

DRF already answers its own exceptions, ``Http404`` and Django's ``PermissionDenied``. Services
below the API raise Django's ``ValidationError`` for bad input and ``StaleVersionError`` for a
stale optimistic lock; without this handler both would surface as a 500.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from zhongshu.core.models import StaleVersionError

STALE_VERSION = _("Someone else changed this in the meantime. Reload it and try again.")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE_VERSION
    default_code = "stale_version"


def _validation_detail(exc: DjangoValidationError):
    """Field errors keyed like DRF's (``non_field_errors`` for errors not tied to a field)."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, StaleVersionError):
        exc = PreconditionFailed(str(exc) or None)
    return drf_exception_handler(exc, context)
