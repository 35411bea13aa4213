"""Permission denials are audited (DESIGN.md cross-cutting rule 3, security.md C1).

Views call :func:`deny` instead of raising ``PermissionDenied``/``Http404`` themselves, so every
refusal leaves one ``access.denied`` event. Call it outside ``transaction.atomic`` blocks: the
exception it raises would roll the event back with the block.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import audit
from .models import AuditResult


def deny(request, *, status: int = 403, object_type: str = "", object_id="") -> None:
    """Record an ``access.denied`` event, then raise 403 (``PermissionDenied``) or 404.

    404 is what a user gets for what they may not see (CONVENTIONS.md "HTTP conventions"); the
    event still says what was asked for.
    """
    if status not in (403, 404):
        raise ValueError("deny() answers 403 or 404")
    user = getattr(request, "user", None)
    audit.record(
        "access.denied",
        actor=user,
        object_type=object_type,
        object_id=str(object_id or ""),
        result=AuditResult.DENIED,
        detail={"method": request.method, "path": request.path[:300], "status": status},
    )
    if status == 404:
        raise Http404
    raise PermissionDenied


def require(predicate, *, status: int = 403, object_type: str = ""):
    """View decorator: signed in, and ``predicate(user)`` true — otherwise :func:`deny` with
    ``status`` (403 for pages, 404 for anything addressed by id), naming the requested ``pk``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                deny(
                    request,
                    status=status,
                    object_type=object_type,
                    object_id=kwargs.get("pk", ""),
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
