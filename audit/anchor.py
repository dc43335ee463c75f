"""The audit chain's anchor outside the database: signed checkpoints of its head.

The hash chain shows that nothing inside it was changed, not that its tail is
complete: someone who can write the table with its triggers disabled can delete
the last events, or rewrite the last ones and recompute their hashes, and the
shorter or different chain still links. So every few minutes
(``audit-checkpoint`` in config/celery.py) ``audit_checkpoint_write`` signs
the head — how many events are sealed, the last seal's event id and hash (in
``seq`` order, ``audit.models.AuditSeal``) — with an Ed25519 key
that is not in the database (``AUDIT_ANCHOR_KEY``) and writes it as a file in
``AUDIT_ANCHOR_DIR``, which is backed up apart from the database and published
at /audit/anchors/ for outsiders to keep. Each hash covers the previous one, so
a checkpoint fixes every event up to it; ``audit_chain_verify`` checks that the
chain still holds every checkpoint.

A checkpoint file, ``<YYYY-MM>/checkpoint-<UTC time>-<count>.json``::

    {"payload": {"v": 1, "at": "2026-11-25T01:30:00Z", "count": 1234,
                 "last_id": 1290, "head_hash": "<sha-256 hex>",
                 "key": "<sha-256 hex of the raw public key>"},
     "signature": "<base64 Ed25519 signature of the signed text>",
     "public_key": "<base64 raw public key>"}

The signed text is the payload as JSON with sorted keys and no spaces
(``signed_text``). Files are only ever added, never rewritten.
"""

import base64
import binascii
import datetime
import hashlib
import itertools
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction

from .models import AuditSeal
from .services import _lock_chain, audit_seal

FORMAT_VERSION = 1
# Month folders keep any one directory small over the 15 years records are kept.
_MONTH_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]"
_FILE_GLOB = "checkpoint-*.json"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_MAX_FILE_BYTES = 64 * 1024


class AnchorMismatch(Exception):
    """The chain no longer holds the latest checkpoint: no new one is written over it."""


# --- the key ---------------------------------------------------------------------------

def _private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_ANCHOR_KEY))


def public_key_raw() -> bytes:
    return _private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_b64() -> str:
    return base64.b64encode(public_key_raw()).decode()


def key_fingerprint() -> str:
    """SHA-256 of the raw public key, in hex: names the key inside each payload."""
    return hashlib.sha256(public_key_raw()).hexdigest()


def signed_text(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


# --- reading checkpoints ---------------------------------------------------------------

@dataclass
class Checkpoint:
    """One checkpoint file as read; ``problem`` says why it cannot be trusted."""

    name: str
    payload: dict = field(default_factory=dict)
    signature: str = ""
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem

    @property
    def count(self) -> int:
        return self.payload.get("count", 0)

    @property
    def last_id(self) -> int:
        return self.payload.get("last_id", 0)

    @property
    def head_hash(self) -> str:
        return self.payload.get("head_hash", "")

    @property
    def at(self) -> datetime.datetime | None:
        try:
            return datetime.datetime.strptime(
                self.payload.get("at", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        except (TypeError, ValueError):
            return None

    def describe(self) -> str:
        return (f"{self.name} ({self.count} events up to #{self.last_id}, "
                f"at {self.payload.get('at', '?')})")


def _payload_problem(payload) -> str:
    if not isinstance(payload, dict):
        return "not a checkpoint file (no payload)"
    if set(payload) != {"v", "at", "count", "last_id", "head_hash", "key"}:
        return "not a checkpoint file (unexpected payload fields)"
    if payload["v"] != FORMAT_VERSION:
        return f"not a checkpoint file (format {payload['v']!r})"
    count, last_id = payload["count"], payload["last_id"]
    if not (type(count) is int and type(last_id) is int and count >= 1 and last_id >= 1):
        return "not a checkpoint file (count and last_id must be positive integers)"
    if not (isinstance(payload["head_hash"], str) and _HEX64.match(payload["head_hash"])):
        return "not a checkpoint file (head_hash is not a SHA-256)"
    return ""


def checkpoint_read(path: Path, *, name: str | None = None) -> Checkpoint:
    """Read one file and check its signature against this platform's key."""
    checkpoint = Checkpoint(name=name or str(path))
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_FILE_BYTES + 1)
        document = json.loads(raw)
    except OSError as exc:
        checkpoint.problem = f"cannot be read ({exc.strerror or exc})"
        return checkpoint
    except ValueError:
        checkpoint.problem = "not a checkpoint file (not JSON)"
        return checkpoint
    if len(raw) > _MAX_FILE_BYTES or not isinstance(document, dict):
        checkpoint.problem = "not a checkpoint file"
        return checkpoint
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(signature, str):
        checkpoint.problem = "not a checkpoint file (no signature)"
        return checkpoint
    checkpoint.signature = signature
    checkpoint.problem = _payload_problem(payload)
    if checkpoint.problem:
        return checkpoint
    checkpoint.payload = payload
    if payload["key"] != key_fingerprint():
        checkpoint.problem = (f"signed by another key (fingerprint {str(payload['key'])[:16]}…), "
                              "not this platform's")
        return checkpoint
    try:
        _private_key().public_key().verify(base64.b64decode(signature, validate=True),
                                           signed_text(payload).encode())
    except (InvalidSignature, binascii.Error, ValueError):
        checkpoint.problem = "signature does not verify"
    return checkpoint


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def _paths(directory: Path) -> list[Path]:
    """Every checkpoint file, oldest first: names sort by their UTC time."""
    return sorted(directory.glob(f"{_MONTH_GLOB}/{_FILE_GLOB}"),
                  key=lambda p: (p.parent.name, p.name))


def _newest_first(directory: Path):
    """The files newest first, opening one month folder at a time: the beat reads the
    latest on every run, and the folder grows for as long as records are kept."""
    for month in sorted(directory.glob(_MONTH_GLOB), reverse=True):
        yield from sorted(month.glob(_FILE_GLOB), key=lambda p: p.name, reverse=True)


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def checkpoints_all(directory: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the anchor folder, oldest first, each checked."""
    return [checkpoint_read(p, name=_name(p)) for p in _paths(directory or anchor_dir())]


def checkpoints_recent(*, limit: int = 50, directory: Path | None = None) -> list[Checkpoint]:
    """The newest checkpoints first, read from the files (the table can be rewritten)."""
    paths = itertools.islice(_newest_first(directory or anchor_dir()), limit)
    return [checkpoint_read(p, name=_name(p)) for p in paths]


def _latest_valid(directory: Path) -> Checkpoint | None:
    for path in _newest_first(directory):
        checkpoint = checkpoint_read(path, name=_name(path))
        if checkpoint.valid:
            return checkpoint
    return None


# --- writing a checkpoint ----------------------------------------------------------------

def _disagreement(checkpoint: Checkpoint, *, count: int) -> str:
    """Why the chain in the table no longer holds ``checkpoint``; empty when it does."""
    if count < checkpoint.count:
        return (f"the chain is shorter than checkpoint {checkpoint.describe()}: "
                f"it has {count} events")
    # By position, not by seq: with a seal removed, the count-th seal is another one.
    at_position = (AuditSeal.objects.order_by("seq")
                   .values_list("event_id", "hash")[checkpoint.count - 1])
    if at_position != (checkpoint.last_id, checkpoint.head_hash):
        return (f"event #{at_position[0]} differs from checkpoint {checkpoint.describe()}: "
                f"it is event number {checkpoint.count} with hash {at_position[1][:16]}…")
    return ""


def _write_new(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data`` in one step, never over an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(temporary, path)  # atomic, and refuses to replace: files are append-only
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def audit_checkpoint_write(*, now: datetime.datetime) -> Checkpoint | None:
    """Sign the chain's head and add it to the anchor folder.

    1. Seal the events committed so far (``audit_seal``), then take the chain
       lock, so no sealer is in flight, and read the head: the number of seals
       and the last one's event id and hash in ``seq`` order. Events committed
       after the sealing wait for the next checkpoint.
    2. Nothing new since the latest checkpoint, or no event at all: write
       nothing (safe to run twice, and in several workers).
    3. The chain must still hold the latest checkpoint; otherwise raise
       ``AnchorMismatch`` and write nothing: the evidence stays as it is and
       the published checkpoints stop advancing until someone looks.
    4. Sign the payload and write it under a new name.
    """
    directory = anchor_dir()
    audit_seal(now=now)
    with transaction.atomic():
        _lock_chain()
        head = AuditSeal.objects.order_by("-seq").values_list("event_id", "hash").first()
        if head is None:
            return None
        count = AuditSeal.objects.count()
        latest = _latest_valid(directory)
        if latest is not None:
            if (latest.count, latest.last_id, latest.head_hash) == (count, *head):
                return None
            problem = _disagreement(latest, count=count)
            if problem:
                raise AnchorMismatch(problem)
        at = now.astimezone(datetime.UTC)
        payload = {"v": FORMAT_VERSION, "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "count": count, "last_id": head[0], "head_hash": head[1],
                   "key": key_fingerprint()}
        signature = base64.b64encode(_private_key().sign(signed_text(payload).encode())).decode()
        document = {"payload": payload, "signature": signature, "public_key": public_key_b64()}
        path = directory / at.strftime("%Y-%m") / f"checkpoint-{at:%Y%m%dT%H%M%SZ}-{count}.json"
        if not _write_new(path, (json.dumps(document, indent=1) + "\n").encode()):
            return None  # the same head in the same second: already written
    return Checkpoint(name=_name(path), payload=payload, signature=signature)
