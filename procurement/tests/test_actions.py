"""What may be done now comes from the tables of procurement.steps: the API's ``actions``
fields and the buttons of the pages read the same tables; the project page's history is
the status changes that ``core.transitions`` recorded."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import org_of
from procurement import services, steps
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _buttons(html: str) -> set[str]:
    names = ("submit", "approve", "announce", "retender")
    found = {n for n in names if f'data-testid="action-{n}"' in html
             or f'data-testid="{n}"' in html}
    for step in ("return", "cancel", "clarify", "assistant"):
        if f"/{step}/\"" in html:
            found.add(step)
    return found


def test_the_api_says_what_may_be_done_with_a_project_and_its_lots(project, alice, approver):
    client = _client(alice)
    data = client.get(reverse("api:project-detail", args=[project.pk])).json()
    assert data["actions"] == ["submit", "cancel", "assistant"]
    assert data["actions"][:2] == steps.manual_actions(steps.PROJECT, project)
    assert data["lots"][0]["actions"] == [] and data["lots"][0]["id"] == project.lots.get().pk
    client.post(reverse("api:project-submit", args=[project.pk]))
    approved = _client(approver).post(reverse("api:project-approve", args=[project.pk]))
    assert approved.json()["actions"] == ["announce", "cancel", "assistant"]
    # The list shows the same field.
    listed = client.get(reverse("api:project-list")).json()["results"][0]
    assert listed["actions"] == approved.json()["actions"]


def test_an_announced_project_may_be_clarified_until_its_deadline(live_tender, alice):
    client = _client(alice)
    data = client.get(reverse("api:project-detail", args=[live_tender.pk])).json()
    assert "clarify" in data["actions"] and "announce" not in data["actions"]
    html = client.get(live_tender.get_absolute_url()).content.decode()
    assert "/clarify/\"" in html
    from procurement.models import Project

    Project.objects.filter(pk=live_tender.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    data = client.get(reverse("api:project-detail", args=[live_tender.pk])).json()
    assert "clarify" not in data["actions"]
    html = client.get(live_tender.get_absolute_url()).content.decode()
    assert "/clarify/\"" not in html


def test_the_project_page_draws_the_allowed_steps_for_the_persons_role(project, alice,
                                                                       approver, supervisor):
    url = project.get_absolute_url()
    # alice is an officer (submits, names the assistant) and the unit's administrator (may
    # cancel); the approver approves, returns and cancels, once there is something to.
    assert _buttons(_client(alice).get(url).content.decode()) == {"submit", "assistant",
                                                                  "cancel"}
    assert _buttons(_client(approver).get(url).content.decode()) == {"cancel"}
    # Supervision reads the page: no button at all.
    assert _buttons(_client(supervisor).get(url).content.decode()) == set()
    services.project_submit(project=project, actor=alice)
    assert _buttons(_client(approver).get(url).content.decode()) == {
        "approve", "return", "cancel"}
    html = _client(alice).get(url).content.decode()
    assert _buttons(html) == {"assistant", "cancel"}  # the drafter may not approve
    assert "财库〔2016〕99号" in html


def test_the_project_page_shows_the_status_history(project, alice, approver):
    client = _client(alice)
    client.post(reverse("procurement:project-action", args=[project.pk, "submit"]))
    _client(approver).post(reverse("procurement:project-action", args=[project.pk, "return"]),
                           {"reason": "预算科目需调整"})
    html = client.get(project.get_absolute_url()).content.decode()
    history = html[html.index('data-testid="history"'):]
    history = history[:history.index("</ul>")]
    assert history.count("<li") == 2
    from core.models import StatusChange

    first, second = StatusChange.of(project)
    assert f"{first.old_label} → <strong>{first.new_label}</strong>" in history
    assert f"{second.old_label} → <strong>{second.new_label}</strong>" in history
    assert approver.display_name in history and "预算科目需调整" in history
    assert history.index(alice.display_name) < history.index(approver.display_name)


def test_a_bid_and_a_question_say_what_the_bidder_may_do(live_tender, bob):
    lot = live_tender.lots.get()
    bid = services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price="500000",
                              sme_scale="small", sme_items_by_smes=True, contact_name="张",
                              contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    client = _client(bob)
    assert client.get(reverse("api:bid-detail", args=[bid.pk])).json()["actions"] == \
        ["withdraw"]
    html = client.get(reverse("procurement:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="bid-withdraw"' in html
    withdrawn = client.post(reverse("api:bid-withdraw", args=[bid.pk])).json()
    assert withdrawn["status"] == "withdrawn" and withdrawn["actions"] == []
    html = client.get(reverse("procurement:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="bid-withdraw"' not in html


def test_the_evaluation_shows_the_lots_and_the_questions_actions(demand, alice, approver):
    from decimal import Decimal

    from procurement.models import Bid, BidQuery
    from procurement.tests.test_queries import chair_of, open_lot, user_of

    lot, committee = open_lot(demand, alice, approver, [
        {"price": Decimal("500000"), "price_words": "伍拾壹万元整"},
        {"price": Decimal("510000")}, {"price": Decimal("520000")}])
    data = _client(alice).get(reverse("api:evaluation", args=[lot.pk])).json()
    assert data["lot_actions"] == []  # opened: the platform starts the evaluation
    query = BidQuery.objects.get()
    assert data["queries"][0]["actions"] == ["answer", "confirm", "reject"]
    bid = Bid.objects.get(pk=query.bid_id)
    answers = _client(user_of(bid)).get(reverse("api:bid-query-list", args=[bid.pk])).json()
    assert answers[0]["actions"] == steps.manual_actions(steps.BID_QUERY, query)
    chair = chair_of(committee)
    page = _client(chair).get(reverse("procurement:evaluation-member", args=[lot.pk]))
    assert "/decide/" in page.content.decode()  # a pending question: the chair may decide
