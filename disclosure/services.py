"""The portal's own writes: the finance bureau's normative documents (规范性文件) and the
daily recomputation of the agencies' practice.

Every other publication is written by the index (``disclosure.indexing``) from the
lifecycle apps' records; these two are the portal's own records.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import OFFICERS, require_role
from audit.services import audit_record
from core import uploads
from core.exceptions import DomainError, InvalidTransition, PermissionDenied
from core.locks import advisory_lock
from core.refusals import records_refusals
from core.transitions import StateTable, Step, transition

from .models import AgencyPractice, NormativeDocument

NS = NormativeDocument.Status

# A document is published once and repealed once; a repealed one is not published again
# (a new document is issued instead, with its own number).
NORMATIVE = StateTable("disclosure.NormativeDocument", [
    Step("publish", NS.DRAFT, NS.IN_FORCE, _("Publish")),
    Step("repeal", NS.IN_FORCE, NS.REPEALED, _("Repeal")),
])

ACTIONS = {
    "normative.create": _("Drafted a normative document"),
    "normative.publish": _("Published a normative document"),
    "normative.repeal": _("Repealed a normative document"),
    "normative.create_refused": _("Refused: drafting a normative document"),
    "normative.publish_refused": _("Refused: publishing a normative document"),
    "normative.repeal_refused": _("Refused: repealing a normative document"),
}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _require_bureau(user, organization: Organization | None) -> Organization:
    """Only the finance bureau's officers and administrators issue and repeal its
    documents (as they record its penalties: ``complaints.services.credit``)."""
    if organization is None:
        membership = (Membership.objects.select_related("organization")
                      .filter(user=user, is_active=True, role__in=OFFICERS,
                              organization__kind=Organization.Kind.FINANCE)
                      .order_by("pk").first())
        organization = membership.organization if membership else None
    if organization is None or organization.kind != Organization.Kind.FINANCE:
        raise PermissionDenied(_("Only the finance bureau issues normative documents."),
                               code="not_bureau")
    require_role(user, organization, *OFFICERS)
    return organization


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code="required", field=field)
    return value


@records_refusals()
@transaction.atomic
def normative_create(*, title: str, number: str, issuer: str, issued_on: dt.date,
                     effective_on: dt.date, body: str, attachment: Upload | None = None,
                     user, organization: Organization | None = None, now=None,
                     ip=None, idempotency_key: str = "") -> NormativeDocument:
    """A draft document of the bureau, not public yet. A repeated ``idempotency_key``
    (the form's, on a double-click or a retry) returns the first draft, marked
    ``replayed``, instead of saving a second.

    1. only the finance bureau's officers;
    2. title, number, issuer and text are required, the effective date is not before
       the issue date;
    3. the attachment, if any, must be a PDF by its bytes (``core.uploads.check``: the
       magic bytes, no program inside, nothing after its end) — else a translated
       refusal and nothing is stored;
    4. recorded in the audit trail."""
    now = now or timezone.now()
    bureau = _require_bureau(user, organization)
    idempotency_key = (idempotency_key or "")[:100]
    if idempotency_key:
        advisory_lock("disclosure", "normative-create", bureau.pk, idempotency_key)
        first = NormativeDocument.objects.filter(bureau=bureau,
                                                 idempotency_key=idempotency_key).first()
        if first is not None:
            first.replayed = True
            return first
    title = _required(title, "title", _("Enter the title."))
    number = _required(number, "number", _("Enter the document number (文号)."))
    issuer = _required(issuer, "issuer", _("Enter the issuing body."))
    body = _required(body, "body", _("Enter the text of the document."))
    if issued_on is None:
        raise DomainError(_("Enter the date of issue."), code="required", field="issued_on")
    if effective_on is None or effective_on < issued_on:
        raise DomainError(_("A document takes effect on or after the day it is issued."),
                          code="effective_before_issue", field="effective_on")
    document = NormativeDocument(
        bureau=bureau, title=title[:200], number=number[:60], issuer=issuer[:200],
        issued_on=issued_on, effective_on=effective_on, body=body, created_by=user,
        created_at=now, idempotency_key=idempotency_key)
    if attachment is not None:
        kind = uploads.check(attachment.name, attachment.data, field="attachment")
        if kind != "pdf":
            raise DomainError(_("“%(name)s” is not a PDF file; attach the document as a PDF."),
                              params={"name": attachment.name}, code="file_type",
                              field="attachment")
        document.attachment_name = attachment.name[:200]
        document.attachment_sha256 = hashlib.sha256(attachment.data).hexdigest()
        document.attachment.save("document.pdf", ContentFile(attachment.data), save=False)
    document.save()
    audit_record(action="normative.create", actor=user, organization=bureau, obj=document,
                 detail={"number": document.number, "attachment": document.attachment_sha256},
                 ip=ip, now=now)
    return document


def _locked_for_bureau(document: NormativeDocument, user,
                       organization: Organization | None):
    """The bureau acting and the document locked, refused unless it is the bureau's."""
    bureau = _require_bureau(user, organization)
    document = NormativeDocument.objects.select_for_update().get(pk=document.pk)
    if document.bureau_id != bureau.pk:
        raise PermissionDenied(_("Only the finance bureau issues normative documents."),
                               code="not_bureau")
    return bureau, document


@records_refusals()
@transaction.atomic
def normative_publish(*, document: NormativeDocument, user,
                      organization: Organization | None = None, now=None,
                      ip=None) -> NormativeDocument:
    """The draft goes public on the portal (its ``Publication`` is written when this
    commits, ``disclosure.source_docs``). Its number must not be another published
    document's of the bureau."""
    now = now or timezone.now()
    bureau, document = _locked_for_bureau(document, user, organization)
    if not NORMATIVE.can(document, "publish"):
        raise InvalidTransition(_("This document is published already."))
    document.published_at, document.published_by = now, user
    try:
        with transaction.atomic():
            transition(document, NS.IN_FORCE, table=NORMATIVE, actor=user, now=now,
                       update_fields=["published_at", "published_by"])
    except IntegrityError:
        raise DomainError(_("A published document already has the number %(number)s."),
                          params={"number": document.number}, code="duplicate_number",
                          field="number") from None
    audit_record(action="normative.publish", actor=user, organization=bureau, obj=document,
                 detail={"number": document.number}, ip=ip, now=now)
    return document


@records_refusals()
@transaction.atomic
def normative_repeal(*, document: NormativeDocument, reason: str, user,
                     organization: Organization | None = None, now=None,
                     ip=None) -> NormativeDocument:
    """The document is repealed (废止) with its reason; it stays on the portal marked
    repealed, its publication updated when this commits."""
    now = now or timezone.now()
    bureau, document = _locked_for_bureau(document, user, organization)
    if not NORMATIVE.can(document, "repeal"):
        raise InvalidTransition(_("Only a document in force is repealed."))
    reason = _required(reason, "reason", _("Say why the document is repealed."))
    document.repealed_at, document.repealed_by, document.repeal_reason = now, user, reason
    transition(document, NS.REPEALED, table=NORMATIVE, actor=user, now=now, reason=reason,
               update_fields=["repealed_at", "repealed_by", "repeal_reason"])
    audit_record(action="normative.repeal", actor=user, organization=bureau, obj=document,
                 detail={"number": document.number, "reason": reason}, ip=ip, now=now)
    return document


# --- the agencies' practice ---------------------------------------------------------------

@transaction.atomic
@transaction.atomic
def agency_practice_recompute(*, now=None) -> int:
    """Count every agency's practice again (``selectors_practice.practice_figures``: one
    aggregate query per figure, over all agencies at once) and replace the stored rows
    in one transaction, so that the public page never shows half a recomputation. Safe
    to run twice. Returns how many rows were written."""
    from .selectors_practice import practice_figures

    now = now or timezone.now()
    # Two runs at once (a beat and a manual run) take turns: the second replaces the
    # first's rows instead of colliding with them on (agency, year).
    advisory_lock("disclosure", "agency-practice")
    figures = practice_figures(now=now)
    rows = [AgencyPractice(agency_id=agency_id, year=year, computed_at=now, **values)
            for (agency_id, year), values in sorted(figures.items())]
    AgencyPractice.objects.all().delete()
    AgencyPractice.objects.bulk_create(rows, batch_size=500)
    return len(rows)

