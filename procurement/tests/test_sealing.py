import datetime as dt

import pytest

from core.exceptions import DomainError
from procurement import sealing

T0 = dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC)


def test_sealed_data_opens_only_at_or_after_the_opening_time():
    key = sealing.new_lot_key()
    blob = sealing.seal(key, b"580000.00", b"bid:1")
    assert b"580000" not in blob and b"580000" not in key
    with pytest.raises(sealing.SealedError):
        sealing.unseal(key, blob, b"bid:1", opening_at=T0, now=T0 - dt.timedelta(seconds=1))
    assert sealing.unseal(key, blob, b"bid:1", opening_at=T0, now=T0) == b"580000.00"


def test_a_ciphertext_moved_to_another_bid_fails_its_integrity_check():
    key = sealing.new_lot_key()
    blob = sealing.seal(key, b"100.00", b"bid:1")
    with pytest.raises(DomainError) as exc:
        sealing.unseal(key, blob, b"bid:2", opening_at=T0, now=T0)
    assert exc.value.code == "seal_broken"


def test_another_lots_key_cannot_open_it():
    blob = sealing.seal(sealing.new_lot_key(), b"100.00", b"bid:1")
    with pytest.raises(DomainError):
        sealing.unseal(sealing.new_lot_key(), blob, b"bid:1", opening_at=T0, now=T0)


def test_without_the_master_key_the_lot_key_is_useless(settings):
    key = sealing.new_lot_key()
    blob = sealing.seal(key, b"100.00", b"bid:1")
    settings.BID_MASTER_KEY = "YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtbm90LXVzZWQ="
    with pytest.raises(DomainError):
        sealing.unseal(key, blob, b"bid:1", opening_at=T0, now=T0)


def test_every_seal_uses_a_fresh_nonce():
    key = sealing.new_lot_key()
    assert sealing.seal(key, b"same", b"a") != sealing.seal(key, b"same", b"a")
