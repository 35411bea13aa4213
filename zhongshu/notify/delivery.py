"""Delivering one outbox row: e-mail through Django, group robots over HTTPS (security.md F8).

At least once: the row is locked, sent and marked sent in one transaction; a row already sent
is skipped, so a task run twice (a relay re-enqueue, a second consumer) sends once. A failure
counts an attempt and backs off exponentially; after ``MAX_ATTEMPTS`` the row is failed and
shown to the system administrator. Robot hosts must be on the allow-list, HTTPS only (loopback
HTTP only when ``NOTIFY_ROBOT_ALLOW_LOOPBACK`` is set, for tests), no redirects followed, and
error texts never carry the webhook address or the secret.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from . import texts
from .models import Channel, OutboxMessage, OutboxStatus, RobotHost

MAX_ATTEMPTS = 5
TIMEOUT = 5  # seconds, per robot request
BACKOFF_BASE = timedelta(minutes=1)


class DeliveryError(Exception):
    """A delivery failed; the message is safe to show (no address, no secret)."""


class PermanentError(DeliveryError):
    """Retrying cannot help (host not allowed, no address): the row fails at once."""


# --- Robot payloads (the exact JSON each platform documents) --------------------------------


def robot_payload(kind: str, text: str, link: str, heading: str) -> dict:
    if kind == Channel.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": f"{text}\n[{link}]({link})"}}
    if kind == Channel.DINGTALK:
        return {
            "msgtype": "markdown",
            "markdown": {"title": heading, "text": f"{text}\n\n[{link}]({link})"},
        }
    if kind == Channel.FEISHU:
        return {"msg_type": "text", "content": {"text": f"{text}\n{link}"}}
    raise DeliveryError(f"unknown robot kind {kind}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk "加签": base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    sign = dingtalk_sign(secret, timestamp_ms)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def check_robot_url(url: str) -> None:
    """Refuse before any request: the host on the allow-list, HTTPS (loopback HTTP in tests)."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback = (
        getattr(settings, "NOTIFY_ROBOT_ALLOW_LOOPBACK", False)
        and parts.scheme == "http"
        and host == "127.0.0.1"
    )
    if not RobotHost.objects.filter(host=host).exists():
        raise PermanentError(f"robot host {host} is not on the allow-list")
    if parts.scheme != "https" and not loopback:
        raise PermanentError("robot address is not https")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise DeliveryError(f"robot answered a redirect ({code})")


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    check_robot_url(url.split("?", 1)[0])  # again, right before the request
    request = urllib.request.Request(  # noqa: S310 (https or allowed loopback only, checked)
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"robot answered HTTP {exc.code}") from None
    except TimeoutError:
        raise DeliveryError("robot did not answer in time") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryError("robot did not answer in time") from None
        raise DeliveryError(f"robot unreachable: {type(reason).__name__}") from None
    except OSError as exc:
        raise DeliveryError(f"robot unreachable: {type(exc).__name__}") from None
    # The platforms answer 200 with an error code in the body (errcode / code / StatusCode).
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict):
        for field in ("errcode", "code", "StatusCode"):
            if answer.get(field) not in (None, 0):
                raise DeliveryError(f"robot refused the message ({field} {answer.get(field)})")


def send_robot(message: OutboxMessage) -> None:
    robot = message.robot
    if robot is None or not robot.enabled:
        raise PermanentError("robot removed or disabled")
    check_robot_url(robot.url)
    notification = message.notification
    recipient = message.recipient
    link = texts.absolute_url(notification.url)
    text = texts.robot_text(notification, recipient)
    with texts.translation.override(recipient.language or settings.LANGUAGE_CODE):
        heading = str(settings.SITE_NAME)
    url = robot.url
    if robot.kind == Channel.DINGTALK and robot.secret:
        url = signed_url(url, robot.secret)
    post_json(url, robot_payload(robot.kind, text, link, heading))


def send_email(message: OutboxMessage) -> None:
    recipient = message.recipient
    if not recipient.email:
        raise PermanentError("recipient has no e-mail address")
    subject, body = texts.email_message(message.notification, recipient)
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception as exc:  # SMTP errors of every kind; the text may hold server details
        raise DeliveryError(f"mail server refused: {type(exc).__name__}") from None


def send(message: OutboxMessage) -> None:
    if message.channel == Channel.EMAIL:
        send_email(message)
    else:
        send_robot(message)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes after the 1st…4th failure."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def deliver_now(outbox_id: int) -> str:
    """Deliver one row if it is still pending; returns its status afterwards ("" if skipped)."""
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk=outbox_id, status=OutboxStatus.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        message = rows.select_related("notification", "recipient", "robot").first()
        if message is None:  # sent, failed, gone, or another worker holds it
            return ""
        now = timezone.now()
        message.attempts += 1
        try:
            send(message)
        except Exception as exc:
            error = str(exc) if isinstance(exc, DeliveryError) else type(exc).__name__
            message.last_error = error[:300]
            if message.attempts >= MAX_ATTEMPTS or isinstance(exc, PermanentError):
                message.status = OutboxStatus.FAILED
            else:
                message.next_attempt_at = now + backoff(message.attempts)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.last_error = ""
        message.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"]
        )
        return message.status


def relay_due(limit: int = 500) -> list[int]:
    """Pending rows whose next attempt has come (retries, and rows whose task was lost).

    Claimed with ``skip_locked`` and pushed ``RELAY_LEASE`` ahead, so a relay running on
    several consumers enqueues each row once.
    """
    from .services import RELAY_GRACE

    now = timezone.now()
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        if ids:
            OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + RELAY_GRACE)
    return ids
