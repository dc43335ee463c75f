import pytest
from django.test import Client
from django.urls import reverse

from procurement.models import Award, Bid, CommitteeMember
from procurement.tests.fixtures import pool

pytestmark = pytest.mark.django_db


def test_the_evaluation_runs_through_the_pages(opened, alice, charlie):
    lot, _bidders = opened
    experts = pool(6)
    organiser = Client()
    organiser.force_login(alice)
    page = organiser.get(reverse("procurement:evaluation", args=[lot.pk])).content.decode()
    assert 'data-testid="draw-committee"' in page
    organiser.post(reverse("procurement:committee-draw", args=[lot.pk]))
    members = [m.expert for m in CommitteeMember.objects.filter(committee__lot=lot)]
    chair = CommitteeMember.objects.get(committee__lot=lot, role="chair").expert
    assert len(members) == 5

    bids = list(Bid.objects.filter(lot=lot))
    for bid in bids:
        organiser.post(reverse("procurement:bid-review",
                               args=[lot.pk, bid.pk, "qualification"]), {"passed": "yes"})
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for expert in members:
        client = Client()
        client.force_login(expert)
        for bid in bids:
            # Each member's own compliance verdict (87号令 第61条).
            client.post(reverse("procurement:bid-review",
                                args=[lot.pk, bid.pk, "compliance"]), {"passed": "yes"})
            client.post(reverse("procurement:bid-score", args=[lot.pk, bid.pk]),
                        {f"c{c.pk}": "10" for c in criteria})
    chair_client = Client()
    chair_client.force_login(chair)
    chair_client.post(reverse("procurement:evaluation-report", args=[lot.pk]))
    page = organiser.get(reverse("procurement:evaluation", args=[lot.pk])).content.decode()
    assert 'data-testid="results-table"' in page and 'data-testid="confirm-winner"' in page

    first = Bid.objects.get(result__rank=1)
    organiser.post(reverse("procurement:award-confirm", args=[lot.pk, first.pk]))
    award = Award.objects.get(lot=lot)
    assert award.bid == first

    # Outsiders: the organiser's page and the member's page answer 404.
    stranger = Client()
    stranger.force_login(charlie)
    assert stranger.get(reverse("procurement:evaluation", args=[lot.pk])).status_code == 404
    outsider_expert = Client()
    outsider_expert.force_login(next(e for e in experts if e not in members))
    assert outsider_expert.get(reverse("procurement:evaluation-member",
                                       args=[lot.pk])).status_code == 404


def test_the_expert_workspace_lists_the_evaluations(opened, alice):
    from procurement import services

    lot, _ = opened
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice)
    client = Client()
    client.force_login(committee.members.first().expert)
    body = client.get(reverse("workspaces:expert")).content.decode()
    assert reverse("procurement:evaluation-member", args=[lot.pk]) in body
