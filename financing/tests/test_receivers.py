"""The winner hears of contract financing with its award (春风行动 第26条), after the
award commits (``procurement.signals.award_confirmed``): a failure in financing never
undoes an award."""

import logging

import pytest

from contracts.tests.fixtures import award_lot
from financing import services
from financing.selectors import financing_offers_for
from notifications.models import Message
from procurement.models import Award
from procurement.signals import award_confirmed

from .fixtures import save_offer

pytestmark = pytest.mark.django_db


def test_the_winner_hears_of_the_policy_and_every_active_offer_with_the_award(
        opened, alice, offer, ccb_offer, ccb, django_capture_on_commit_callbacks):
    save_offer(*ccb, name="已下架产品", is_active=False)
    lot, _bidders = opened
    with django_capture_on_commit_callbacks(execute=True):
        award = award_lot(lot, alice)
    winner = award.bid.supplier.memberships.get().user
    message = Message.objects.get(recipient=winner, category="contracts.financing",
                                  channel="inapp")
    assert message.link == "/financing/"
    assert "春风行动 第26条" in message.body and "政采贷" in message.body
    assert "建行政采贷" in message.body and "已下架产品" not in message.body
    assert "350,000.00" in message.body  # 70 % of the 500,000 yuan award
    assert {o.name for o in financing_offers_for(award)} == {"建行政采贷", "政采贷"}
    # The losers hear nothing of it.
    assert Message.objects.filter(category="contracts.financing").exclude(
        recipient=winner).count() == 0
    # The signal delivered again (a retried commit hook) tells nobody twice.
    told = Message.objects.filter(category="contracts.financing").count()
    award_confirmed.send(sender=Award, award=award)
    assert Message.objects.filter(category="contracts.financing").count() == told


def test_nothing_is_said_before_the_award_commits(opened, alice, offer,
                                                  django_capture_on_commit_callbacks):
    lot, _bidders = opened
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award_lot(lot, alice)
        assert not Message.objects.filter(category="contracts.financing").exists()
    assert callbacks  # the award's signal waits for the commit


def test_a_failing_financing_receiver_never_undoes_the_award(
        opened, alice, offer, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(award, *, offers, now=None):
        raise RuntimeError("the bank's offers are unreadable")

    monkeypatch.setattr(services, "financing_offers_tell", broken)
    lot, _bidders = opened
    with caplog.at_level(logging.ERROR, logger="core.events"), \
            django_capture_on_commit_callbacks(execute=True):
        award = award_lot(lot, alice)
    assert Award.objects.filter(pk=award.pk, lot=lot).exists()
    lot.refresh_from_db()
    assert lot.status == "awarded"
    assert not Message.objects.filter(category="contracts.financing").exists()
    assert "unreadable" in caplog.text or any(
        r.exc_info and "unreadable" in str(r.exc_info[1]) for r in caplog.records)
