"""Per-request facts (request id, client IP) that the audit writer needs anywhere below a view."""

import contextvars
import uuid
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "zhongshu_request",
    default=RequestContext(),  # noqa: B039  (frozen dataclass: immutable)
)


def current() -> RequestContext:
    return _current.get()


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxy saw (only TRUSTED_PROXY_COUNT hops)."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def bind(request) -> contextvars.Token:
    request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:40] or uuid.uuid4().hex
    request.request_id = request_id
    return _current.set(RequestContext(request_id=request_id, ip=client_ip(request)))


def unbind(token: contextvars.Token) -> None:
    _current.reset(token)
