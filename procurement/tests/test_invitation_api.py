"""邀请招标 through the API, by the server clock; and a double submit of a qualification
application — real concurrent requests on PostgreSQL — leaves one application and no
error."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection  # noqa: F401 (the skipif condition reads it)
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import SupplierFactory
from core.tests.concurrency import at_once
from procurement.models import Prequalification, Project, QualificationApplication
from procurement.tests.factories import ProjectFactory, announce, member
from tests.conftest import restore_reference_data

PDF = b"%PDF-1.7\n% licence\n%%EOF\n"


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _supplier(n):
    org = SupplierFactory(name=f"接口供应商{n}")
    return org, member(org, Membership.Role.ADMIN)


def _apply(client, project, declaration="true"):
    return client.post(reverse("api:qualification-application-list", args=[project.pk]),
                       {"declaration": declaration, "files": [
                           SimpleUploadedFile("执照.pdf", PDF, content_type="application/pdf")]})


def _project(purchaser_org):
    return ProjectFactory(approved=True, method=Project.Method.INVITED,
                          purchaser=purchaser_org)


@pytest.mark.django_db
def test_the_whole_stage_through_the_api(purchaser_org, alice):
    project = _project(purchaser_org)
    organiser = _client(alice)
    until = timezone.now() + dt.timedelta(days=10)
    answer = organiser.post(reverse("api:qualification-notice", args=[project.pk]),
                            {"apply_until": until.isoformat(), "draw_count": 3},
                            content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "qualification"
    suppliers = [_supplier(n) for n in range(7)]
    for _org, user in suppliers:
        assert _apply(_client(user), project).status_code == 201
    again = _apply(_client(suppliers[0][1]), project)
    assert again.status_code == 400 and again.json()["code"] == "already_applied"
    mine = _client(suppliers[1][1]).get(
        reverse("api:qualification-application-list", args=[project.pk])).json()
    assert [a["supplier"] for a in mine] == [suppliers[1][0].pk]  # its own only
    assert len(organiser.get(reverse("api:qualification-application-list",
                                     args=[project.pk])).json()) == 7
    # Before the deadline: no review.
    first = QualificationApplication.objects.get(supplier=suppliers[0][0])
    early = organiser.post(reverse("api:qualification-review", args=[first.pk]),
                           {"qualified": True}, content_type="application/json")
    assert early.status_code == 400 and early.json()["code"] == "review_before_deadline"
    assert early.json()["basis"]
    Prequalification.objects.filter(project=project).update(
        apply_until=timezone.now() - dt.timedelta(minutes=1))
    late = _apply(_client(_supplier(99)[1]), project)
    assert late.status_code == 400 and late.json()["code"] == "late" and late.json()["basis"]
    for application in QualificationApplication.objects.filter(project=project):
        ok = organiser.post(reverse("api:qualification-review", args=[application.pk]),
                            {"qualified": True}, content_type="application/json")
        assert ok.status_code == 200 and ok.json()["status"] == "qualified"
    small = organiser.post(reverse("api:invitation-draw", args=[project.pk]), {"count": 4},
                           content_type="application/json")
    assert small.status_code == 400 and small.json()["code"] == "pool_too_small"
    assert "87号令 第14条" in small.json()["basis"]
    drawn = organiser.post(reverse("api:invitation-draw", args=[project.pk]), {"count": 3},
                           content_type="application/json")
    assert drawn.status_code == 201
    draw = drawn.json()
    assert len(draw["drawn"]) == 3 and draw["seed"]
    # The tender opens; an uninvited supplier is refused documents with the basis.
    now = timezone.now()
    announce(project, at=now, deadline=now + dt.timedelta(days=21))
    outsider = next(user for org, user in suppliers if org.pk not in draw["drawn"])
    refused = _client(outsider).post(reverse("api:documents-obtain", args=[project.pk]))
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_invited" and "法 第31、34条" in refused.json()["basis"]
    insider = next(user for org, user in suppliers if org.pk == draw["drawn"][0])
    assert _client(insider).post(reverse("api:documents-obtain",
                                         args=[project.pk])).status_code == 200
    lot = project.lots.get()
    bid = _client(outsider).post(reverse("api:bid-submit", args=[lot.pk]), {
        "price": "500000", "sme_scale": "small", "sme_items_by_smes": "true",
        "contact_name": "张博", "contact_phone": "13800000001",
        "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]})
    assert bid.status_code == 400 and bid.json()["code"] == "not_invited"
    assert not lot.bids.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrent requests")
@pytest.mark.parametrize("surface", ["api", "form"])
def test_a_double_submit_leaves_one_application_and_no_error(purchaser_org, alice, surface):
    restore_reference_data()
    project = _project(purchaser_org)
    Prequalification.objects.create(
        project=project, announcement=project.announcements.create(
            kind="qualification", title="资格预审公告", body="—",
            published_at=timezone.now()),
        apply_until=timezone.now() + dt.timedelta(days=10), draw_count=3,
        published_by=alice, published_at=timezone.now())

    def form(client):
        return client.post(reverse("procurement:qualification-apply", args=[project.pk]),
                           {"declaration": "on", "files": [SimpleUploadedFile(
                               "执照.pdf", PDF, content_type="application/pdf")]})

    post = (lambda c: _apply(c, project)) if surface == "api" else form
    for n in range(4):
        org, user = _supplier(n)
        first, second = _client(user), _client(user)
        responses = at_once(lambda c=first: post(c), lambda c=second: post(c))
        for response in responses:
            assert not isinstance(response, Exception), response
            assert response.status_code < 500, response.content[:300]
        assert QualificationApplication.objects.filter(supplier=org).count() == 1
        if surface == "api":
            assert sorted(r.status_code for r in responses) == [201, 400]
            refused = next(r for r in responses if r.status_code == 400)
            assert refused.json()["code"] == "already_applied"
        else:
            assert sorted(r.status_code for r in responses) == [302, 400]
        assert QualificationApplication.objects.get(supplier=org).files.count() == 1
