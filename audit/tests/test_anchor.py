"""The chain is anchored outside the database by signed checkpoints of its head.

Without them, someone who can write the table with its triggers disabled can
delete the last events, or rewrite the last one and recompute its hash, and
``verify_audit`` still reports an intact (shorter) chain. The checkpoint files
here are signed by hand, as an outsider checking the published format would,
so the tests also pin the format down.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import audit_chain_verify
from audit.services import audit_record, audit_seal, compute_hash

TEST_KEY = base64.b64encode(b"anchor-key-for-these-tests-only!").decode()
OTHER_KEY = base64.b64encode(b"some-other-key-nobody-trusts-it!").decode()
NOW = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)


@pytest.fixture
def anchors(settings, tmp_path):
    settings.AUDIT_ANCHOR_KEY = TEST_KEY
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return settings.AUDIT_ANCHOR_DIR


def _key(b64):
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64))


def _raw_public(b64):
    return _key(b64).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def signed_checkpoint(directory, *, count, last_id, head_hash, key=TEST_KEY, at=NOW,
                      edit=None):
    """Write a checkpoint file in the published format; ``edit`` changes it after signing."""
    payload = {"v": 1, "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "count": count,
               "last_id": last_id, "head_hash": head_hash,
               "key": hashlib.sha256(_raw_public(key)).hexdigest()}
    document = {"payload": payload,
                "signature": base64.b64encode(_key(key).sign(_canonical(payload))).decode(),
                "public_key": base64.b64encode(_raw_public(key)).decode()}
    if edit:
        edit(document)
    folder = Path(directory) / at.strftime("%Y-%m")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{at:%Y%m%dT%H%M%SZ}-{count}.json"
    path.write_text(json.dumps(document))
    return path


def _chain(n):
    events = [audit_record(action=f"test.step{i}", detail={"i": i}) for i in range(n)]
    audit_seal()
    return events


def _checkpoint_of(directory, events, **kw):
    return signed_checkpoint(directory, count=len(events), last_id=events[-1].pk,
                             head_hash=events[-1].hash, **kw)


def _behind_the_triggers(sql, params=()):
    """Write the tables as an attacker with the owner's or a superuser's SQL would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")


def _delete_events(where, params):
    """Remove events and their seals (a seal's foreign key keeps its event)."""
    _behind_the_triggers(
        f"DELETE FROM audit_auditseal WHERE event_id IN "
        f"(SELECT id FROM audit_auditevent WHERE {where})", params)
    _behind_the_triggers(f"DELETE FROM audit_auditevent WHERE {where}", params)


def _rewrite(event_id, object_repr, prev_hash=None):
    """Change one event and recompute its seal's hash, so its own link still verifies."""
    row = AuditEvent.objects.get(pk=event_id)
    row.object_repr = object_repr
    prev = prev_hash if prev_hash is not None else row.prev_hash
    new_hash = compute_hash(row, prev=prev)
    _behind_the_triggers("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s",
                         [row.object_repr, row.pk])
    _behind_the_triggers(
        "UPDATE audit_auditseal SET prev_hash = %s, hash = %s WHERE event_id = %s",
        [prev, new_hash, row.pk])
    return new_hash


def _fails(match):
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit")


# --- verification against checkpoints -------------------------------------------------

@pytest.mark.django_db
def test_verify_passes_when_the_chain_contains_its_checkpoints(anchors, capsys):
    events = _chain(3)
    _checkpoint_of(anchors, events)
    _chain(2)  # the chain grows after a checkpoint: fine
    report = audit_chain_verify()
    assert report.ok and report.checked == 5 and report.checkpoints == 1
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Audit chain intact: 5 events." in out and "1 checkpoint" in out


@pytest.mark.django_db
def test_deleting_the_last_events_after_a_checkpoint_fails_verification(anchors):
    events = _chain(5)
    path = _checkpoint_of(anchors, events)
    _delete_events("id >= %s", [events[3].pk])

    report = audit_chain_verify()
    assert report.broken_at is None  # the links alone cannot see it
    assert not report.ok
    _fails(f"the chain is shorter than checkpoint {path.parent.name}/{path.name}")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_after_a_checkpoint_fails_verification(anchors):
    events = _chain(3)
    _checkpoint_of(anchors, events)
    # With the sealer's queue, whose foreign key would refuse it otherwise.
    _behind_the_triggers("TRUNCATE audit_auditpending, audit_auditseal, audit_auditevent")
    assert AuditEvent.objects.count() == 0
    _fails("the chain is shorter than checkpoint")


@pytest.mark.django_db
def test_rewriting_the_last_event_fails_verification(anchors):
    events = _chain(4)
    _checkpoint_of(anchors, events)
    _rewrite(events[-1].pk, "改过的")

    assert audit_chain_verify().broken_at is None
    _fails(f"event #{events[-1].pk} differs from checkpoint")


@pytest.mark.django_db
def test_rewriting_the_tail_and_recomputing_the_chain_fails_verification(anchors):
    events = _chain(4)
    _checkpoint_of(anchors, events)
    prev = _rewrite(events[1].pk, "改过的")
    for event in events[2:]:
        prev = _rewrite(event.pk, event.object_repr, prev_hash=prev)

    assert audit_chain_verify().broken_at is None
    _fails(f"event #{events[-1].pk} differs from checkpoint")


@pytest.mark.django_db
def test_every_checkpoint_is_checked_not_only_the_latest(anchors):
    events = _chain(3)
    _checkpoint_of(anchors, events[:2], at=NOW - timedelta(hours=1))
    _rewrite(events[1].pk, "改过的")
    _rewrite(events[2].pk, events[2].object_repr,
             prev_hash=AuditEvent.objects.get(pk=events[1].pk).hash)
    # A checkpoint taken after the rewrite matches; the earlier one does not.
    signed_checkpoint(anchors, count=3, last_id=events[2].pk,
                      head_hash=AuditEvent.objects.get(pk=events[2].pk).hash)
    _fails(f"event #{events[1].pk} differs from checkpoint 2026-11/checkpoint-20261125T003000Z-2")


@pytest.mark.django_db
@pytest.mark.parametrize(("edit", "problem"), [
    (lambda d: d["payload"].update(count=1), "signature does not verify"),
    (lambda d: d.pop("signature"), "not a checkpoint file"),
    (lambda d: d.update(signature="AAAA"), "signature does not verify"),
])
def test_an_altered_or_unsigned_checkpoint_is_reported(anchors, edit, problem):
    events = _chain(2)
    path = _checkpoint_of(anchors, events, edit=edit)
    assert not audit_chain_verify().ok
    _fails(f"checkpoint {path.parent.name}/{path.name}: {problem}")


@pytest.mark.django_db
def test_a_checkpoint_forged_with_another_key_is_reported(anchors):
    events = _chain(3)
    _checkpoint_of(anchors, events)
    _delete_events("id = %s", [events[2].pk])
    # The attacker anchors the shortened chain with a key of their own.
    forged = _checkpoint_of(anchors, events[:2], key=OTHER_KEY, at=NOW + timedelta(hours=1))
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    assert f"{forged.name}: signed by another key" in str(refused.value)
    assert "the chain is shorter than checkpoint" in str(refused.value)


@pytest.mark.django_db
def test_verify_against_one_given_file(anchors, tmp_path, capsys):
    events = _chain(3)
    elsewhere = _checkpoint_of(tmp_path / "from-the-backup", events)
    call_command("verify_audit", anchor=[str(elsewhere)])
    assert "1 checkpoint" in capsys.readouterr().out
    _delete_events("id = %s", [events[2].pk])
    with pytest.raises(CommandError, match="shorter than checkpoint"):
        call_command("verify_audit", anchor=[str(elsewhere)])


@pytest.mark.django_db
def test_verify_says_when_nothing_anchors_the_chain(anchors, capsys):
    _chain(2)
    call_command("verify_audit")
    assert "No checkpoint" in capsys.readouterr().err


# --- writing checkpoints ----------------------------------------------------------------

@pytest.mark.django_db
def test_a_checkpoint_signs_the_head_of_the_chain(anchors):
    from audit.anchor import audit_checkpoint_write

    events = _chain(3)
    checkpoint = audit_checkpoint_write(now=NOW)
    path = anchors / "2026-11" / "checkpoint-20261125T013000Z-3.json"
    assert checkpoint.name == "2026-11/checkpoint-20261125T013000Z-3.json" and path.exists()
    document = json.loads(path.read_text())
    payload = document["payload"]
    assert payload == {"v": 1, "at": "2026-11-25T01:30:00Z", "count": 3,
                       "last_id": events[-1].pk, "head_hash": events[-1].hash,
                       "key": hashlib.sha256(_raw_public(TEST_KEY)).hexdigest()}
    # Anyone holding the public key checks it with nothing but Ed25519.
    Ed25519PublicKey.from_public_bytes(_raw_public(TEST_KEY)).verify(
        base64.b64decode(document["signature"]), _canonical(payload))
    assert audit_chain_verify().checkpoints == 1


@pytest.mark.django_db
def test_the_beat_task_writes_only_when_the_chain_has_grown(anchors):
    from audit import tasks
    from config.celery import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["audit-checkpoint"]["task"] == "audit.tasks.checkpoint"
    tasks.checkpoint()
    assert not list(anchors.glob("*/*.json"))  # an empty chain anchors nothing
    _chain(2)
    tasks.checkpoint()
    tasks.checkpoint()  # safe to run twice
    assert len(list(anchors.glob("*/checkpoint-*.json"))) == 1
    _chain(1)
    tasks.checkpoint()
    assert len(list(anchors.glob("*/checkpoint-*.json"))) == 2
    assert audit_chain_verify().checkpoints == 2


@pytest.mark.django_db
def test_no_checkpoint_is_written_over_a_chain_that_lost_its_tail(anchors):
    from audit.anchor import AnchorMismatch, audit_checkpoint_write

    events = _chain(3)
    audit_checkpoint_write(now=NOW)
    _delete_events("id = %s", [events[2].pk])
    audit_record(action="test.after_the_deletion")
    with pytest.raises(AnchorMismatch, match="differs from checkpoint"):
        audit_checkpoint_write(now=NOW + timedelta(minutes=10))
    assert len(list(anchors.glob("*/checkpoint-*.json"))) == 1


# --- the public page --------------------------------------------------------------------

@pytest.mark.django_db
def test_the_public_page_shows_the_checkpoints_without_login(anchors, client):
    events = _chain(3)
    _checkpoint_of(anchors, events)
    _checkpoint_of(anchors, events[:2], key=OTHER_KEY, at=NOW + timedelta(hours=1))
    # The page reads the files, not the table, which can be rewritten.
    _delete_events("id = %s", [events[2].pk])

    response = client.get(reverse("audit:anchor-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert events[-1].hash in body
    assert base64.b64encode(_raw_public(TEST_KEY)).decode() in body

    data = client.get(reverse("api:audit-anchor-list")).json()
    assert data["algorithm"] == "Ed25519"
    assert data["public_key"] == base64.b64encode(_raw_public(TEST_KEY)).decode()
    newest, older = data["checkpoints"]
    assert newest["valid"] is False and "another key" in newest["problem"]
    assert older["valid"] is True and older["payload"]["head_hash"] == events[-1].hash
    assert older["signed_text"] == _canonical(older["payload"]).decode()


# --- settings ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _start(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL", "BID_MASTER_KEY",
                          "AUDIT_ANCHOR_KEY"}}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
                          capture_output=True, text=True, timeout=60)


def test_production_mode_refuses_to_start_without_the_anchor_key():
    result = _start(DJANGO_DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.cn",
                    BID_MASTER_KEY=TEST_KEY)
    assert result.returncode != 0 and "AUDIT_ANCHOR_KEY" in result.stderr


def test_an_anchor_key_of_the_wrong_length_is_refused():
    result = _start(DJANGO_DEBUG="true", AUDIT_ANCHOR_KEY="c2hvcnQ=")
    assert result.returncode != 0 and "AUDIT_ANCHOR_KEY" in result.stderr
