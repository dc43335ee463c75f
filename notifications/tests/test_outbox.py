import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import DomainError
from notifications import services
from notifications.models import Message, Preference

pytestmark = pytest.mark.django_db


def _notify(users, key="evt:1", category="deadline.reminder", **kw):
    return services.notify(event_key=key, recipients=users, category=category,
                           subject="提醒", body="【春风政采】测试短信", **kw)


class Gateway:
    """A local SMS gateway that fails the first ``failures`` requests."""

    def __init__(self, failures=0):
        self.failures = failures
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append({"body": body, "auth": self.headers["Authorization"]})
                code = 503 if gateway.failures > 0 else 200
                gateway.failures -= 1
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = gw.url
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    yield gw
    gw.close()


def test_one_message_per_person_and_channel_and_never_twice(alice, bob):
    assert _notify([alice, bob]) == 6  # sms, e-mail, in-app each
    assert _notify([alice, bob]) == 0
    assert Message.objects.count() == 6
    inapp = Message.objects.get(recipient=alice, channel="inapp")
    assert inapp.status == "sent"  # the inbox is its own delivery


def test_http_gateway_receives_json_with_token(gateway, alice):
    _notify([alice], channels=["sms"])
    services.messages_deliver_due()
    message = Message.objects.get(channel="sms")
    assert message.status == "sent" and message.attempts == 1
    assert gateway.requests == [{"body": {"to": alice.mobile, "text": "【春风政采】测试短信",
                                          "key": message.idempotency_key},
                                 "auth": "Bearer secret-token"}]


def test_gateway_failure_is_retried_with_back_off(gateway, alice):
    gateway.failures = 2
    now = timezone.now()
    _notify([alice], channels=["sms"], now=now)
    services.messages_deliver_due(now=now)
    m = Message.objects.get()
    assert (m.status, m.attempts) == ("queued", 1)
    assert m.next_attempt_at == now + dt.timedelta(minutes=1)
    assert "503" in m.last_error

    services.messages_deliver_due(now=now + dt.timedelta(seconds=30))  # not yet due
    assert Message.objects.get().attempts == 1
    services.messages_deliver_due(now=now + dt.timedelta(minutes=1))
    m.refresh_from_db()
    assert (m.status, m.attempts) == ("queued", 2)
    assert m.next_attempt_at == now + dt.timedelta(minutes=3)  # 1 + 2 minutes
    services.messages_deliver_due(now=now + dt.timedelta(minutes=3))
    m.refresh_from_db()
    assert (m.status, m.attempts) == ("sent", 3)
    assert len(gateway.requests) == 3


def test_gives_up_after_the_maximum_attempts(gateway, alice, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    gateway.failures = 99
    now = timezone.now()
    _notify([alice], channels=["sms"], now=now)
    services.messages_deliver_due(now=now)
    services.messages_deliver_due(now=now + dt.timedelta(hours=1))
    assert Message.objects.get().status == "failed"


def test_sms_file_backend(settings, tmp_path, alice):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    _notify([alice], channels=["sms"])
    services.messages_deliver_due()
    line = json.loads((tmp_path / "sms.jsonl").read_text(encoding="utf-8"))
    assert line["to"] == alice.mobile and line["text"] == "【春风政采】测试短信"


def test_email_goes_through_django(mailoutbox, alice):
    _notify([alice], channels=["email"])
    services.messages_deliver_due()
    assert [m.to for m in mailoutbox] == [[alice.email]]


def test_statutory_reminders_ignore_preferences_but_others_follow_them(alice):
    Preference.objects.create(user=alice, category="deadline.reminder", channel="sms",
                              enabled=False)
    services.preference_set(user=alice, category="general", channel="email", enabled=False)
    _notify([alice], key="a", category="deadline.reminder")
    _notify([alice], key="b", category="general")
    assert Message.objects.filter(idempotency_key__startswith="a:", channel="sms").exists()
    assert not Message.objects.filter(idempotency_key__startswith="b:", channel="email").exists()
    assert Message.objects.filter(idempotency_key__startswith="b:", channel="inapp").exists()
    with pytest.raises(DomainError):
        services.preference_set(user=alice, category="deadline.reminder", channel="sms",
                                enabled=False)


def test_only_statutory_categories_go_by_sms(client, alice):
    assert alice.mobile
    _notify([alice], key="c", category="general", channels=["sms", "inapp"])
    assert list(Message.objects.filter(idempotency_key__startswith="c:")
                .values_list("channel", flat=True)) == ["inapp"]
    # The preferences page offers no SMS switch for them, and a forged one changes nothing.
    client.force_login(alice)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="general:sms"' not in page and 'name="general:email"' in page
    client.post(reverse("notifications:preferences"), {"general:sms": "on"})
    assert not Preference.objects.filter(user=alice, channel="sms").exists()


def test_switching_off_a_statutory_reminder_is_a_recorded_refusal(alice):
    from audit.selectors import refusals

    with pytest.raises(DomainError):
        services.preference_set(user=alice, category="deadline.reminder", channel="sms",
                                enabled=False)
    event = refusals().get(action="preference.set_refused")
    assert event.actor == alice and event.detail["code"] == "statutory_notification"
    assert not Preference.objects.filter(user=alice, category="deadline.reminder").exists()


def test_inbox_shows_unread_count_and_marks_read(client, alice, bob):
    _notify([alice])
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "【春风政采】测试短信" in page and 'data-testid="inbox-badge">1<' in page
    message = Message.objects.get(recipient=alice, channel="inapp")
    client.post(reverse("notifications:message-open", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at is not None
    # Another person's message is not found.
    client.force_login(bob)
    assert client.post(reverse("notifications:message-open",
                               args=[message.pk])).status_code == 404


def test_a_message_claimed_late_is_not_sent_twice(settings, tmp_path, alice):
    """Queued long ago, claimed now: the stuck-send recovery must not requeue it."""
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    queued = timezone.now() - dt.timedelta(hours=1)
    _notify([alice], channels=["sms"], now=queued)
    now = timezone.now()
    assert services._claim([Message.objects.get().pk], now)
    # Another worker's sweep runs while the first is still sending.
    services.messages_deliver_due(now=now + dt.timedelta(seconds=5))
    assert not (tmp_path / "sms.jsonl").exists()
    assert Message.objects.get().status == "sending"
