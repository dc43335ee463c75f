"""The bench's records and its receipt check: what make bench relies on to say a run was
correct, and to keep its figures."""

import datetime as dt
import json

from django.utils import timezone

from accounts.models import Organization
from bench import bids, results
from bench.client import Result
from bench.harness import Measurement
from conftest import org_of
from procurement import services


def test_the_bench_tender_is_announced_lawfully_with_its_deadline_minutes_ahead(db):
    deadline = timezone.now() + dt.timedelta(minutes=5)

    project = bids.seed_tender("t", deadline=deadline)

    assert project.status == project.Status.ANNOUNCED
    assert project.bid_deadline == deadline
    assert project.lots.get().wrapped_key is not None


def _seal(bob, lot):
    return services.bid_submit(lot=lot, supplier=org_of(bob), user=bob, price="2000000",
                               sme_scale="small", contact_name="基准", contact_phone="1",
                               files=[services.Upload("offer.pdf", bids.FILE)])


def _answer(bid, **changes) -> Result:
    body = {"id": bid.pk, "receipt_sha256": bid.receipt_sha256,
            "files": [{"sha256": bids.FILE_SHA256}], **changes}
    return Result(201, 0.1, body)


def test_a_receipt_verifies_against_the_bid_and_its_audit_event(db, bob):
    lot = bids.seed_tender("t", deadline=timezone.now() + dt.timedelta(minutes=5)).lots.get()
    bid = _seal(bob, lot)

    check = bids.verify_receipts(lot, [_answer(bid)])

    assert check == {"accepted": 1, "verified": 1, "unverifiable": []}


def test_a_receipt_that_differs_or_a_different_file_does_not_verify(db, bob):
    lot = bids.seed_tender("t", deadline=timezone.now() + dt.timedelta(minutes=5)).lots.get()
    bid = _seal(bob, lot)

    check = bids.verify_receipts(lot, [_answer(bid, receipt_sha256="0" * 64),
                                       _answer(bid, files=[{"sha256": "1" * 64}])])

    assert check["verified"] == 0
    assert check["unverifiable"][0]["problems"] == [
        "receipt differs from the Bid row's",
        "receipt differs from the bid.seal audit event's"]
    assert check["unverifiable"][1]["problems"] == ["file hash differs from the file sent"]


def test_seeded_suppliers_have_obtained_the_documents_and_hold_a_session(db):
    project = bids.seed_tender("t", deadline=timezone.now() + dt.timedelta(minutes=5))

    people = bids.seed_suppliers(2, "t", projects=[project])

    assert project.downloads.count() == 2
    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key__in=[p.session_key for p in people]).count() == 2
    assert Organization.objects.filter(pk__in=[p.organization_id for p in people],
                                       kind="supplier").count() == 2


def test_a_record_names_the_machine_the_commit_and_the_figures(db, tmp_path):
    m = Measurement("bid rush", seconds=2.0, operations=4, latencies=[0.1, 0.2, 0.3, 0.4])
    m.errors = 1

    path = results.write("bids", measurements=[m], notes={"n": 1},
                         extra={"ratios": {"p99": 1.5}}, parameters={"bidders": 4},
                         directory=tmp_path, now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))

    assert path.name == "20260102T030405Z-bids.json"
    record = json.loads(path.read_text())
    assert record == json.loads((tmp_path / "latest-bids.json").read_text())
    assert record["machine"]["cpu_count"] >= 1 and record["commit"]
    assert record["postgresql"] and record["parameters"] == {"bidders": 4}
    assert record["ratios"] == {"p99": 1.5} and record["notes"] == {"n": 1}
    figures = record["measurements"][0]
    assert (figures["ops"], figures["errors"], figures["throughput"]) == (4, 1, 2.0)
    assert figures["p50_ms"] == 300.0 and figures["p99_ms"] == 400.0
