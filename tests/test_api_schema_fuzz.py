"""The API fuzzed from its own OpenAPI schema (schemathesis), logged in as each main role.

A few generated requests per operation — valid ones (positive) and ones the schema says
are invalid (negative) — sent through the real WSGI application, middleware and all, as
the purchaser's officer, the winning supplier (a bidder like ``bob``, but one with a
contract, so that the supplier's steps are reached) and the finance bureau:

- no request gets a server error;
- every answer is JSON (the API never answers with Django's HTML pages);
- what the schema calls invalid is refused (``negative_data_rejection``), and what it calls
  valid is not refused for its shape (``documented_input_accepted``): the documented request
  is what the API accepts, no looser and no stricter.

Bounded: a handful of examples per operation, derandomised (the same requests every run),
no shrinking, each request inside a savepoint that is rolled back, so that the examples do
not change each other's data. Valid requests are aimed at the objects that exist (the ids in
their paths), so that they reach the serializers and services behind the 404s.

CSRF is not switched off: the session cookie goes with a CSRF cookie and the matching
``X-CSRFToken`` header, as the Swagger UI and htmx send them.
"""

import os
import time
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection

from config.wsgi import application
from contracts import services as contract_services
from contracts.tests.fixtures import AWARDED_AT, terms
from core.apis import exception_handler
from deadlines.models import Deadline
from procurement.models import Announcement

pytestmark = pytest.mark.django_db

# Hypothesis keeps its caches under var/, with the project's other run-time files.
set_hypothesis_home_dir(Path(__file__).resolve().parent.parent / "var" / "hypothesis")

# Examples per operation, per mode, per role. FUZZ_EXAMPLES=50 for a longer run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CSRF_TOKEN = "fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZ"  # 32 characters: a CSRF secret's shape


def session_of(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN},
            "headers": {"X-CSRFToken": CSRF_TOKEN, "Accept-Language": "zh-hans"}}


def json_answer(ctx, response, case):
    """The API answers in JSON, errors included (the PDF downloads excepted)."""
    content_type = response.headers.get("content-type", [""])[0]
    if response.status_code == 204 or case.path.endswith(".pdf"):
        return None
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{response.status_code} answered with {content_type!r}, not JSON")
    return None


# The codes of a serializer's refusal that no request schema can express: the object an id
# names does not exist or is not the caller's, a date outside the contract's own dates.
CONTEXTUAL = {"does_not_exist", "before_contract", "future",
              # GB 32100-2015: checked after normalising spaces and case, with a check
              # character no pattern can compute.
              "credit_code_length", "credit_code_charset", "credit_code_check",
              # Text is trimmed (Python's idea of whitespace, not JSON Schema's) before it
              # may not be blank, and may not hold NUL characters (PostgreSQL cannot).
              "blank", "null_characters_not_allowed",
              # A range upside down (from after to: disclosure.filters): two parameters.
              "reversed_range"}
# Files are sent as files by clients; the generator sends text in their place.
FILE_FIELDS = {"file", "files", "upload", "attachment", "original"}
REFUSED = {}  # the codes of the serializer's refusal of the request in flight


def recording_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        REFUSED["codes"] = exc.get_codes()
    return exception_handler(exc, context)


def _flat(codes):
    if isinstance(codes, dict):
        return {c for value in codes.values() for c in _flat(value)}
    if isinstance(codes, list):
        return {c for value in codes for c in _flat(value)}
    return {codes}


def documented_input_accepted(ctx, response, case):
    """A request valid by the schema is not refused by the serializer for its shape (a
    service may still refuse it: that is a DomainError, with its own code and basis)."""
    if response.status_code != 400 or "codes" not in REFUSED:
        return None
    codes = REFUSED["codes"]
    if isinstance(codes, dict):
        codes = {name: value for name, value in codes.items() if name not in FILE_FIELDS}
    shape = _flat(codes) - CONTEXTUAL
    if shape:
        raise AssertionError(f"a request valid by the schema was refused ({sorted(shape)}): "
                             f"{response.content[:300]!r}")
    return None


def fuzz_operation(operation, session, mode, ids):
    checks = [not_a_server_error, json_answer]
    checks.append(negative_data_rejection if mode is GenerationMode.NEGATIVE
                  else documented_input_accepted)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def fuzz(case):
        if mode is GenerationMode.POSITIVE:
            aim(case, ids)
        REFUSED.clear()
        with transaction.atomic():
            response = case.call(**session)
            transaction.set_rollback(True)
        case.validate_response(response, checks=checks, headers=session["headers"])

    try:
        fuzz()
    except Unsatisfiable:
        pass  # nothing to make invalid: no parameters, no body


def json_only(operation):
    """JSON, where an operation takes it. drf-spectacular lists the form encodings beside it
    (DRF parses them), but they cannot carry nested lists and objects, and turn every value
    into text: what they fail on is the encoding, not the schema. The uploads (bids,
    invoices) stay multipart."""
    json = [body for body in operation.body if body.media_type == "application/json"]
    if json:
        operation.body.items = json
    return operation


def aim(case, ids):
    """Point a valid request's path at objects that exist: /api/<segment>/{id}/…"""
    segment = case.path.removeprefix("/api/").split("/")[0]
    if segment == "financing":
        segment = "financing/" + case.path.removeprefix("/api/financing/").split("/")[0]
    for name in case.path_parameters or {}:
        key = segment if name == "id" else name
        if key in ids:
            case.path_parameters[name] = ids[key]


def summary(exc: BaseException) -> str:
    """The first lines of schemathesis' report: the check, what it expected, the answer."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    curl = next((line.strip() for line in lines if line.strip().startswith("curl ")), "")
    return "\n    ".join([*lines[:8], curl[:600]])


@pytest.fixture
def schema(db, monkeypatch):
    monkeypatch.setattr(api_settings, "EXCEPTION_HANDLER", recording_exception_handler)
    # As Django's test client does: a finished request must not close the connection that
    # holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
        # The session cookie is the caller's identity, not input to mutate.
        loaded.config.generation.update(with_security_parameters=False)
        yield loaded
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def contract(awarded, alice, winner_user):
    """The awarded lot's contract, signed by both."""
    now = AWARDED_AT
    contract = contract_services.contract_draft(
        award=awarded, actor=alice, now=now,
        **terms(milestones=[{"title": "到货安装", "due_date": terms()["delivery_deadline"]}]))
    for user, org in ((alice, contract.purchaser), (winner_user, contract.supplier)):
        contract_services.contract_sign(contract=contract, actor=user, organization=org,
                                        pdf_sha256=contract.pdf_sha256, now=now)
    contract.refresh_from_db()
    return contract


def test_the_api_answers_its_own_schema_without_server_errors(
        schema, alice, winner_user, supervisor, contract):
    award = contract.award
    lot = award.lot
    ids = {"organizations": alice.memberships.first().organization_id,
           "deadlines": Deadline.objects.order_by("pk").last().pk,
           "demands": lot.project.demand_id, "projects": lot.project_id, "lots": lot.pk,
           "awards": award.pk, "bids": award.bid_id, "bid_pk": award.bid_id,
           "notices": Announcement.objects.order_by("pk").last().pk,
           "contracts": contract.pk, "financing/contracts": contract.pk,
           "milestone_pk": contract.milestones.order_by("pk").first().pk}
    operations = [json_only(result.ok()) for result in schema.get_all_operations()]
    failures, started = [], time.monotonic()
    for user in (alice, winner_user, supervisor):
        session = session_of(user)
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    fuzz_operation(operation, session, mode, ids)
                except (Exception, BaseExceptionGroup) as exc:  # all reported together
                    failures.append(f"[{user.username}, {mode.value}] {operation.label}\n    "
                                    f"{summary(exc)}")
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failures in {elapsed:.0f}s:\n\n" + "\n\n".join(failures)
