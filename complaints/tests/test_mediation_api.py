"""The mediation API: one endpoint per step, the list and the detail, refusals as JSON,
outsiders 404, and a double submit that makes one mediation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Mediation
from complaints.tests import factories_mediation as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bureau(finance_org):
    return finance_org


@pytest.fixture
def winner(signed):
    return signed.supplier.memberships.get().user


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"api:mediation-{name}", args=args)


def post(client, name, pk, data=None):
    return client.post(url(name, pk), data or {}, content_type="application/json")


def test_the_whole_mediation_through_the_api(signed, winner, alice, supervisor):
    supplier, purchaser, bureau = client_for(winner), client_for(alice), client_for(supervisor)
    answer = supplier.post(url("list"), {
        "contract": signed.pk, "subject": "late_payment", "claim": f.CLAIM,
        "files": [SimpleUploadedFile("催款函.pdf", f.PDF, content_type="application/pdf")]})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    pk = body["mediation"]["id"]
    assert body["mediation"]["number"].startswith("TJ-")
    assert body["side"] == "applicant" and body["allowed"]["withdraw"]
    assert [c["clock"] for c in body["clocks"]] == ["mediation.accept"]
    assert body["facts"] is not None and len(body["documents"]) == 1

    answer = post(bureau, "accept", pk, {"mediator": alice.pk})  # not the bureau's
    assert answer.status_code == 400 and answer.json()["code"] == "bad_mediator"
    answer = post(bureau, "accept", pk, {"mediator": supervisor.pk})
    assert answer.status_code == 200, answer.content
    assert answer.json()["mediation"]["status"] == "accepted"
    answer = bureau.post(url("session", pk), {
        "held_at": timezone.now().isoformat(), "place": "财政局会议室",
        "attendees": "双方代表", "minutes": "双方同意分期付款。"},
        content_type="application/json")
    assert answer.status_code == 201, answer.content
    answer = bureau.post(url("opinion", pk), {
        "author_kind": "expert", "author_name": "刘专家", "text": "验收标准符合合同约定。",
        "file": SimpleUploadedFile("意见.pdf", f.PDF, content_type="application/pdf")})
    assert answer.status_code == 201, answer.content
    assert answer.json()["opinions"][0]["file"]["role"] == "opinion"
    answer = post(bureau, "settle", pk, {"terms": "采购人于十日内付清货款。"})
    assert answer.status_code == 200 and answer.json()["allowed"]["confirm"] is False
    answer = post(purchaser, "confirm", pk)
    assert answer.status_code == 200 and answer.json()["mediation"]["status"] == "accepted"
    answer = post(purchaser, "confirm", pk)
    assert answer.status_code == 409
    answer = post(supplier, "confirm", pk)
    assert answer.status_code == 200 and answer.json()["mediation"]["status"] == "settled"
    assert [c["status"] for c in answer.json()["clocks"]] == ["met", "met"]


def test_refusals_are_json_and_change_nothing(signed, winner, alice, supervisor):
    mediation = f.request(signed, winner)
    purchaser = client_for(alice)
    answer = post(purchaser, "accept", mediation.pk, {"mediator": alice.pk})
    assert answer.status_code == 403 and "detail" in answer.json()
    answer = post(purchaser, "withdraw", mediation.pk)  # only the applicant withdraws
    assert answer.status_code == 403
    answer = post(client_for(supervisor), "decline", mediation.pk, {"reason": ""})
    assert answer.status_code == 400
    mediation.refresh_from_db()
    assert mediation.status == Mediation.Status.REQUESTED
    answer = post(client_for(supervisor), "decline", mediation.pk,
                  {"reason": "已进入诉讼程序。"})
    assert answer.json()["mediation"]["status"] == "declined"


def test_withdraw_and_refer(signed, winner, supervisor):
    supplier, bureau = client_for(winner), client_for(supervisor)
    first = f.request(signed, winner)
    answer = post(supplier, "withdraw", first.pk, {"reason": "自行和解"})
    assert answer.json()["mediation"]["status"] == "withdrawn"
    second = f.accept(f.request(signed, winner, now=f.ACCEPTED_AT), supervisor,
                      now=f.ACCEPTED_AT)
    answer = post(bureau, "refer", second.pk, {"referred_to": "许昌仲裁委员会",
                                               "reason": "调解不成，转仲裁。"})
    assert answer.status_code == 200
    assert answer.json()["mediation"]["referred_to"] == "许昌仲裁委员会"


def test_outsiders_get_404_and_lists_are_scoped(signed, winner, charlie, alice, supervisor):
    mediation = f.request(signed, winner)
    outsider = client_for(charlie)
    assert outsider.get(url("detail", mediation.pk)).status_code == 404
    assert post(outsider, "confirm", mediation.pk).status_code == 404
    assert outsider.get(url("list")).json()["count"] == 0
    answer = outsider.post(url("list"), {"contract": signed.pk, "subject": "acceptance",
                                         "claim": f.CLAIM})
    assert answer.status_code == 404
    assert client_for(alice).get(url("list")).json()["count"] == 1
    assert client_for(supervisor).get(url("list") + "?status=requested").json()["count"] == 1
    assert client_for(supervisor).get(url("list") + "?status=nonsense").status_code == 400
