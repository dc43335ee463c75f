"""Sealed bids: envelope encryption with AES-256-GCM (cryptography's AESGCM).

Each lot gets its own random data key when bidding opens; the data key is
stored only wrapped (encrypted) by the master key, which comes from the
environment (``BID_MASTER_KEY``) and never from the database. A bid's price
and files are encrypted with the lot's data key, with the bid's identity as
associated data, so a ciphertext cannot be moved to another bid or lot
unnoticed.

``unseal`` refuses before the opening time, whoever calls it: it is the
one place plaintext comes from. The opening service calls it for the price and
declarations; after opening, ``services.evaluation.bid_file_access`` calls it
for a file the committee or the organiser reads (each access audited).
"""

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

NONCE_BYTES = 12
_WRAP_AAD = b"chunfeng:lot-data-key:v1"


class SealedError(DomainError):
    status_code = 403
    default_code = "sealed"
    default_message = _("Bids stay sealed until the opening time.")


def _master() -> AESGCM:
    return AESGCM(base64.b64decode(settings.BID_MASTER_KEY))


def _encrypt(key: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + key.encrypt(nonce, plaintext, aad)


def _decrypt(key: AESGCM, blob: bytes, aad: bytes) -> bytes:
    try:
        return key.decrypt(bytes(blob[:NONCE_BYTES]), bytes(blob[NONCE_BYTES:]), aad)
    except InvalidTag as exc:
        raise DomainError(_("A sealed bid failed its integrity check."),
                          code="seal_broken") from exc


def new_lot_key() -> bytes:
    """A fresh data key for a lot, returned wrapped by the master key."""
    return _encrypt(_master(), AESGCM.generate_key(bit_length=256), _WRAP_AAD)


def _lot_key(wrapped: bytes) -> AESGCM:
    return AESGCM(_decrypt(_master(), wrapped, _WRAP_AAD))


def seal(wrapped_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return _encrypt(_lot_key(wrapped_key), plaintext, aad)


def unseal(wrapped_key: bytes, blob: bytes, aad: bytes, *, opening_at, now) -> bytes:
    """Plaintext of a sealed blob — only at or after the opening time (server clock)."""
    if opening_at is None or now < opening_at:
        raise SealedError()
    return _decrypt(_lot_key(wrapped_key), blob, aad)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
