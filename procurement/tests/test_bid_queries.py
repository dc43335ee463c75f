"""The bid endpoint's SQL, statement by statement: the bid rush (bench/bids.py,
docs/operations.md §13) is bounded by what one bid costs, and every row read twice or
savepoint added shows here before it shows in the bench."""

import json
import re
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import org_of
from procurement import services
from procurement.models import Bid, Lot
from procurement.tests.fixtures import PDF

pytestmark = pytest.mark.django_db

# One first bid by a supplier that obtained the documents beforehand, as in the rush.
FIRST_BID = [
    # the request: Django's session, its user, and ActiveOrganizationMiddleware's
    # memberships (request.organization; also what ActsForSupplier lets through)
    "SELECT django_session",
    "SELECT accounts_user",
    "SELECT accounts_membership",
    # the API: the lot's items (the lot itself is read only when it has none, for a 404),
    # read once for the unit prices' ids, the lines and the SME declaration
    "SELECT procurement_lot_items",
    # bid_submit, in one transaction (its role check answered from the middleware's
    # read, accounts.permissions.remember_roles): in one statement, the supplier's lock
    # on the lot (double submits), then the lot's FOR KEY SHARE lock (opening waits for
    # the bids in flight)
    "SELECT procurement_lot FOR KEY SHARE",
    # the lot, its project and demand as they are now, under that lock: the clock,
    # status, ceiling and SME reservation are checked against this read, which also says
    # whether the supplier obtained the documents (it did: nothing to record), whether it
    # has bids here or under this key (none: nothing to replay or withdraw) and whether
    # it is barred from government procurement (core.eligibility: the debarments and
    # listings of the complaints app; it is not)
    "SELECT procurement_lot",
    # the sealed bid, its sealed file, and the bid.seal audit event
    "INSERT procurement_bid",
    "INSERT procurement_bidfile",
    "INSERT audit_auditevent",
]


def _statement(sql: str) -> str:
    """``SELECT procurement_lot``: the verb and the first table, enough to tell
    statements apart without pinning Django's SQL."""
    if sql.startswith("SELECT pg_advisory_xact_lock"):
        return "SELECT pg_advisory_xact_lock"
    if sql.startswith("("):  # a compound statement: (SELECT …) UNION ALL (SELECT …)
        depth = 0
        for end, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return f"{_statement(sql[1:end])} UNION"
    if "SAVEPOINT" in sql.split('"', 1)[0]:
        return sql.split('"', 1)[0].strip()  # SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO …
    verb = sql.split(None, 1)[0].upper()
    outer = sql
    while True:  # the statement's own table, not a subquery's: drop what is in brackets
        flatter = re.sub(r"\([^()]*\)", "", outer)
        if flatter == outer:
            break
        outer = flatter
    table = re.search(r'(?:FROM|INTO)\s+"?(\w+)"?', outer)
    name = f"{verb} {table.group(1) if table else '?'}"
    return f"{name} FOR KEY SHARE" if sql.rstrip().endswith("FOR KEY SHARE") else name


def test_a_bid_through_the_api_reads_each_row_once(live_tender, bob):
    lot = live_tender.lots.get()
    item = lot.items.get()
    supplier = org_of(bob)
    services.documents_obtain(project=live_tender, supplier=supplier, user=bob)
    ContentType.objects.get_for_model(Bid)  # cached per process: warm after the first bid
    client = Client()
    client.force_login(bob)
    data = {"price": "500000", "sme_scale": "small", "contact_name": "张博",
            "contact_phone": "13800000001",
            "sme_items": json.dumps([{"item": item.pk, "maker": "许昌制造有限公司",
                                      "maker_scale": "small"}]),
            "unit_prices": json.dumps({str(item.pk): "8300"}),
            "files": [SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")]}

    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("api:bid-submit", args=[lot.pk]), data,
                               HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    assert response.status_code == 201, response.content
    statements = [_statement(q["sql"]) for q in captured.captured_queries]
    savepoints = [s for s in statements if "SAVEPOINT" in s]
    # bid_submit's own atomic block, a savepoint only because the test runs in a
    # transaction; nothing inside it takes another.
    assert savepoints == ["SAVEPOINT", "RELEASE SAVEPOINT"], statements
    assert [s for s in statements if "SAVEPOINT" not in s] == FIRST_BID
    # The receipt is the bid just sealed, its file listed without reading it back.
    body = response.json()
    assert Bid.objects.get(pk=body["id"]).receipt_sha256 == body["receipt_sha256"]
    assert [f["name"] for f in body["files"]] == ["offer.pdf"]


def test_a_first_bid_records_the_documents_obtained_once(live_tender, bob):
    """A supplier that bids without having obtained the documents first obtains them
    with its bid (recorded and audited once); its next bid records nothing again."""
    from audit.models import AuditEvent
    from procurement.models import DocumentDownload

    lot = live_tender.lots.get()
    supplier = org_of(bob)
    for price in ("500000", "490000"):
        services.bid_submit(lot=lot, supplier=supplier, user=bob, price=price,
                            sme_scale="small", sme_items_by_smes=True, contact_name="张博",
                            contact_phone="13800000001",
                            files=[services.Upload("offer.pdf", PDF)])
    assert DocumentDownload.objects.filter(project=live_tender, supplier=supplier).count() == 1
    assert AuditEvent.objects.filter(action="documents.obtain", organization=supplier).count() \
        == 1
    assert Bid.objects.filter(lot=lot, supplier=supplier, status=Bid.Status.SEALED).count() == 1


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_reads_written_in_sql_give_the_orms_instances(live_tender, bob):
    """The lot's locked read and the endpoint's items read are written in SQL
    (``core.rawread``): every field of the lot, its project, its demand and its items is
    what the ORM reads, converted alike (decimals, datetimes, JSON, on either database),
    and the probes answer for the supplier."""
    from procurement.selectors import lot_to_bid_on
    from procurement.services import bidding

    lot = Lot.objects.select_related("project__demand").get(pk=live_tender.lots.get().pk)
    supplier = org_of(bob)
    fresh = bidding._lot_for_bidding(lot, supplier=supplier, idempotency_key="k")
    assert _fields(fresh) == _fields(lot)
    assert _fields(fresh.project) == _fields(lot.project)
    assert _fields(fresh.project.demand) == _fields(lot.project.demand)
    assert (fresh.documents_obtained, fresh.has_own_bids, fresh.supplier_barred) == \
        (False, False, False)

    shell = lot_to_bid_on(lot.pk)
    assert shell.project_id == lot.project_id
    assert [_fields(i) for i in shell.items.all()] == [_fields(i) for i in lot.items.all()]

    services.documents_obtain(project=live_tender, supplier=supplier, user=bob)
    services.bid_submit(lot=lot, supplier=supplier, user=bob, price="500000",
                        sme_scale="small", sme_items_by_smes=True, contact_name="张博",
                        contact_phone="13800000001", idempotency_key="k",
                        files=[services.Upload("offer.pdf", PDF)])
    again = bidding._lot_for_bidding(lot, supplier=supplier, idempotency_key="other")
    assert (again.documents_obtained, again.has_own_bids) == (True, True)
