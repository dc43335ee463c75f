"""The pages of price corrections, explanations, results, the assistant and re-tendering."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, SupplierFactory, UserFactory
from procurement import services
from procurement.models import Bid, BidQuery, CommitteeMember, Project
from procurement.tests.fixtures import PDF, pool

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def announce_now(project, alice):
    now = timezone.now()
    services.project_announce(project=project, actor=alice, documents_from=now,
                              documents_until=now + dt.timedelta(days=8),
                              bid_deadline=now + dt.timedelta(days=21), now=now)
    return project.lots.get()


def supplier(name):
    org = SupplierFactory(name=name, scale="small")
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
    return org, user


def pass_deadline(lot):
    Project.objects.filter(pk=lot.project_id).update(
        bid_deadline=timezone.now() - dt.timedelta(seconds=1))
    services.lot_open(lot=lot)


def test_the_bid_form_seals_words_unit_prices_and_a_consortium(approved, alice):
    lot = announce_now(approved, alice)
    _org, user = supplier("联合体牵头人")
    page = client_for(user)
    form = page.get(reverse("procurement:bid-create", args=[lot.pk])).content.decode()
    item = lot.project.demand.items.get()
    assert f'name="unit_price_{item.pk}"' in form and 'name="price_words"' in form
    data = {"price": "500000", "price_words": "伍拾万元整", "sme_scale": "small",
            "sme_items_by_smes": "on", "contact_name": "张三", "contact_phone": "13800000000",
            "idempotency_key": "k1", f"unit_price_{item.pk}": "8300",
            "consortium": "许昌小微科技有限公司 | 微型 | 35"}
    # A malformed consortium line: refused with the line's number, nothing sealed.
    refused = page.post(reverse("procurement:bid-create", args=[lot.pk]),
                        {**data, "consortium": "许昌小微科技有限公司 35",
                         "files": [_upload()]})
    body = refused.content.decode()
    assert refused.status_code == 200 and ("第1行" in body or "Line 1" in body)
    assert not Bid.objects.exists()
    response = page.post(reverse("procurement:bid-create", args=[lot.pk]),
                         {**data, "files": [_upload()]})
    bid = Bid.objects.get()
    assert response.status_code == 302 and bid.price is None  # sealed
    for i in range(2):
        _o, other = supplier(f"投标人{i}")
        services.bid_submit(lot=lot, supplier=_o, user=other, price=Decimal("510000") + i,
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    pass_deadline(lot)
    bid.refresh_from_db()
    assert bid.opened_payload["consortium"]["members"][0] == {
        "name": "许昌小微科技有限公司", "scale": "micro", "share": "35.00"}
    assert bid.opened_payload["lines"] == [{"item": item.name, "quantity": "60.00",
                                            "unit_price": "8300.00"}]
    # 60 × 8,300 = 498,000 ≠ 500,000: the bidder is asked to confirm on its bid page.
    query = BidQuery.objects.get(bid=bid)
    assert query.corrected_price == Decimal("498000")
    detail = page.get(reverse("procurement:bid-detail", args=[bid.pk])).content.decode()
    assert 'data-testid="query-confirm"' in detail and "498000" in detail.replace(",", "")
    page.post(reverse("procurement:query-answer", args=[bid.pk, query.pk]), {"confirm": "yes"})
    bid.refresh_from_db()
    assert bid.price == Decimal("498000")


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bid.pdf", PDF, content_type="application/pdf")


def test_the_chair_asks_the_bidder_explains_the_chair_accepts(approved, alice):
    lot = announce_now(approved, alice)
    users = {}
    for name, price in [("低价公司", "250000"), ("甲公司", "500000"), ("乙公司", "510000")]:
        org, user = supplier(name)
        users[name] = user
        services.bid_submit(lot=lot, supplier=org, user=user, price=Decimal(price),
                            sme_scale="small", sme_items_by_smes=True, contact_name="x",
                            contact_phone="1", files=[services.Upload("a.pdf", PDF)])
    pass_deadline(lot)
    pool(5)
    services.committee_draw(lot=lot, actor=alice)
    chair = CommitteeMember.objects.get(committee__lot=lot, role="chair").expert
    low = Bid.objects.get(supplier__name="低价公司")
    page = client_for(chair).get(reverse("procurement:evaluation-member", args=[lot.pk]))
    html = page.content.decode()
    assert f'data-testid="low-{low.pk}"' in html and f'data-testid="ask-{low.pk}"' in html
    client_for(chair).post(reverse("procurement:explanation-request", args=[lot.pk, low.pk]))
    query = BidQuery.objects.get(bid=low)

    bidder = client_for(users["低价公司"])
    detail = bidder.get(reverse("procurement:bid-detail", args=[low.pk])).content.decode()
    assert 'data-testid="query-answer"' in detail
    bidder.post(reverse("procurement:query-answer", args=[low.pk, query.pk]),
                {"answer": "本公司为原厂直销，免除渠道费用，成本测算表已上传。"})
    html = client_for(chair).get(reverse("procurement:evaluation-member",
                                         args=[lot.pk])).content.decode()
    assert "原厂直销" in html and f'data-testid="accept-{query.pk}"' in html
    client_for(chair).post(reverse("procurement:query-decide", args=[lot.pk, query.pk]),
                           {"accepted": "yes"})
    query.refresh_from_db()
    assert query.status == "accepted"
    # Another member cannot decide: the chair's page only.
    other = CommitteeMember.objects.filter(committee__lot=lot, role="member").first().expert
    response = client_for(other).post(reverse("procurement:query-decide",
                                              args=[lot.pk, query.pk]), {"accepted": "no"})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.status == "accepted"


def test_results_on_the_bid_pages_and_the_assistant_for_the_winner(opened, alice):
    lot, _bidders = opened
    pool(5)
    committee = services.committee_draw(lot=lot, actor=alice)
    members = [m.expert for m in committee.members.all()]
    criteria = list(lot.project.demand.criteria.exclude(kind="price"))
    for bid in Bid.objects.filter(lot=lot):
        services.bid_review(bid=bid, stage="qualification", passed=True, actor=alice)
        for member in members:
            services.bid_review(bid=bid, stage="compliance", passed=True, actor=member)
        for expert in members:
            services.score_submit(bid=bid, expert=expert,
                                  points={c.pk: Decimal("10") for c in criteria})
    services.evaluation_complete(lot=lot, actor=committee.members.get(role="chair").expert)
    winner = Bid.objects.get(result__rank=1)
    services.award_confirm(lot=lot, bid=winner, actor=alice)
    loser = Bid.objects.get(result__rank=3)

    html = client_for(loser.supplier.memberships.get().user).get(
        reverse("procurement:bid-detail", args=[loser.pk])).content.decode()
    assert 'data-testid="my-rank">3<' in html and str(loser.result.total) in html
    assert 'data-testid="assistant"' not in html
    html = client_for(winner.supplier.memberships.get().user).get(
        reverse("procurement:bid-detail", args=[winner.pk])).content.decode()
    assert 'data-testid="assistant"' in html and alice.display_name in html


def test_the_project_page_names_the_assistant_and_refuses_an_outsider(project, alice,
                                                                      purchaser_org):
    helper = UserFactory(real_name="王助理")
    MembershipFactory(user=helper, organization=purchaser_org, role=Membership.Role.OFFICER)
    page = client_for(alice)
    url = reverse("procurement:project-action", args=[project.pk, "assistant"])
    refused = page.post(url, {"assistant": UserFactory().pk})
    assert refused.status_code == 400
    project.refresh_from_db()
    assert project.assistant == alice
    page.post(url, {"assistant": helper.pk})
    project.refresh_from_db()
    assert project.assistant == helper
    html = page.get(project.get_absolute_url()).content.decode()
    assert "王助理" in html and 'data-testid="assistant-card"' in html


def test_a_failed_project_is_procured_again_from_its_page(approved, alice):
    lot = announce_now(approved, alice)
    pass_deadline(lot)  # no bids: the lot fails
    project = lot.project
    page = client_for(alice)
    html = page.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="retender-form"' in html
    response = page.post(reverse("procurement:project-action",
                                 args=[project.pk, "retender"]), {"method": ""})
    again = Project.objects.get(retender_of=project)
    assert response.status_code == 302 and response.url == again.get_absolute_url()
    assert again.status == "draft" and again.lots.get().budget == lot.budget
    html = page.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="retender-link"' in html and 'data-testid="retender-form"' not in html
