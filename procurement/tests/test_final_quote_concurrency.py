"""A double-click never leaves two final quotations: real concurrent submissions on
PostgreSQL, each thread with its own connection. The negotiation row is locked, so one
quotation is sealed and the other submission is refused cleanly."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from core.tests.concurrency import at_once, outcome
from procurement import services
from procurement.models import Bid, FinalQuote
from procurement.tests.factories import LotFactory, experts, staff_of
from tests.conftest import restore_reference_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks are PostgreSQL's"),
]


def test_two_submissions_at_once_seal_one_final_quotation():
    restore_reference_data()
    lot = LotFactory(opened=True, project__method="negotiation", bids=4)
    experts(5)
    committee = services.committee_draw(lot=lot, actor=staff_of(lot.project.purchaser))
    chair = committee.members.get(role="chair").expert
    for bid in Bid.objects.filter(lot=lot):
        services.negotiation_session_record(lot=lot, bid=bid, notes="谈判", actor=chair)
    services.final_quotes_call(lot=lot, deadline=timezone.now() + dt.timedelta(hours=1),
                               actor=chair)
    bid = Bid.objects.filter(lot=lot).first()
    user = bid.supplier.memberships.first().user
    results = at_once(*[lambda p=p: services.final_quote_submit(bid=bid, price=p, actor=user)
                        for p in ("480000", "470000")])
    outcomes = [outcome(r, "sealed") for r in results]
    assert sorted(outcomes) == ["invalid_transition", "sealed"], outcomes
    assert FinalQuote.objects.filter(bid=bid).count() == 1
