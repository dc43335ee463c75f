"""Delivery backends. SMS: console, log file, or an HTTP gateway; e-mail through Django."""

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger("chunfeng.sms")


class DeliveryError(Exception):
    """A temporary failure: the message is retried with back-off."""


class ConsoleSMSBackend:
    """One log line per SMS — time (the log format's, Asia/Shanghai), recipient, text —
    so ``make run``'s console stays readable."""

    def send(self, *, to: str, text: str, key: str) -> None:
        logger.info("SMS → %s: %s", to, " ".join(text.split()))


class FileSMSBackend:
    """One JSON line per SMS: development, demos and the tests read it back."""

    def __init__(self, path=None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, *, to: str, text: str, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "key": key,
                           "at": timezone.now().isoformat()}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class HttpSMSBackend:
    """POST {"to", "text", "key"} as JSON with a bearer token to the operator's gateway.

    The key lets a gateway drop a duplicate if our retry crosses its success.
    """

    def __init__(self, url=None, token=None, timeout=10):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout
        if not self.url:
            raise ImproperlyConfigured("SMS_GATEWAY_URL is required for the http SMS backend.")

    def send(self, *, to: str, text: str, key: str) -> None:
        body = json.dumps({"to": to, "text": text, "key": key}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 — the URL is the operator's setting
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"gateway answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"gateway unreachable: {exc}") from exc


SMS_BACKENDS = {"console": ConsoleSMSBackend, "file": FileSMSBackend, "http": HttpSMSBackend}


def sms_backend():
    return SMS_BACKENDS[settings.SMS_BACKEND]()


def send_email(*, to: str, subject: str, text: str) -> None:
    try:
        send_mail(subject, text, None, [to], fail_silently=False)
    except OSError as exc:  # SMTP errors are OSError subclasses
        raise DeliveryError(str(exc)) from exc
