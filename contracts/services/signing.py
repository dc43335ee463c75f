"""Signing online, suspension during a challenge, publication and filing."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import OFFICERS, is_supervisor, require_role
from audit.services import audit_record
from core.events import send_on_commit
from core.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from core.refusals import records_refusals
from core.transitions import transition
from deadlines.services import deadline_meet, deadline_open, deadline_pause, deadline_resume
from notifications.services import notify
from procurement.models import Announcement

from ..models import Contract, Signature
from ..signals import contract_signed
from ..steps import CONTRACT, SIGNING_STEPS
from .common import PURCHASER_SIGNERS, locked, people, tell
from .drafting import render_contract

SUSPEND_BASIS = "条例 第54条"
WITHHELD = "涉及商业秘密，不予公开"
# The public notice is an official text, in Chinese.
SECRET_FIELDS_ZH = {"unit_prices": "单价", "delivery_terms": "交付及服务条款",
                    "special_terms": "其他约定", "payee": "收款账户"}


@records_refusals()
@transaction.atomic
def contract_sign(*, contract: Contract, actor, organization: Organization, pdf_sha256: str,
                  now=None, ip=None) -> Contract:
    """One party signs: an authenticated confirmation bound to the SHA-256 of the PDF
    it was shown. A stale hash (the draft changed since) is refused.

    1. the first signature moves the contract to "signing" (step ``sign``) and tells
       the other party;
    2. the second concludes it (``countersign``): the signing clock is met, the
       publication and filing clocks start, and ``contract_signed`` is sent once the
       transaction commits."""
    now = now or timezone.now()
    contract = locked(contract)
    if organization.pk == contract.purchaser_id:
        party = Signature.Party.PURCHASER
        require_role(actor, organization, *PURCHASER_SIGNERS)
    elif organization.pk == contract.supplier_id:
        party = Signature.Party.SUPPLIER
        require_role(actor, organization, *OFFICERS)
    else:
        raise PermissionDenied(_("Only the two parties sign the contract."))
    if contract.suspended_reason:
        raise RuleViolation(_("Signing is suspended while a challenge that may change the "
                              "result is pending: %(reason)s"),
                            params={"reason": contract.suspended_reason},
                            code="signing_suspended", basis=SUSPEND_BASIS)
    if contract.status == Contract.Status.VOID:
        raise InvalidTransition(_("This contract is void: the award was revoked."))
    if not any(CONTRACT.can(contract, step) for step in SIGNING_STEPS):
        raise InvalidTransition(_("This contract is signed already."))
    if pdf_sha256 != contract.pdf_sha256:
        raise DomainError(_("The contract changed since you opened it: read the current "
                            "version and sign again."), code="stale_contract")
    try:
        with transaction.atomic():
            Signature.objects.create(contract=contract, party=party, organization=organization,
                                     user=actor, pdf_sha256=pdf_sha256, signed_at=now, ip=ip)
    except IntegrityError:
        raise InvalidTransition(_("Your side has signed already.")) from None
    audit_record(action="contract.sign", actor=actor, organization=organization,
                 obj=contract, detail={"party": party, "sha256": pdf_sha256}, ip=ip, now=now)
    other = contract.supplier if party == Signature.Party.PURCHASER else contract.purchaser
    if contract.signatures.count() < 2:
        transition(contract, Contract.Status.SIGNING, table=CONTRACT, actor=actor, now=now)
        tell(contract, other, key=f"signed-by:{party}", now=now,
             subject=f"{contract.title}：对方已签订",
             body=f"{organization.name}已在线签订“{contract.title}”，请尽快签订。")
    else:
        contract.signed_at = now
        transition(contract, Contract.Status.SIGNED, table=CONTRACT, actor=actor, now=now,
                   update_fields=["signed_at"])
        deadline_meet(subject=contract.award, clock="contract.sign", at=now, actor=actor,
                      now=now)
        for clock in ("contract.publish", "contract.file"):
            deadline_open(subject=contract, clock=clock, organization=contract.purchaser,
                          start=now, now=now, actor=actor)
        for org in (contract.purchaser, contract.supplier):
            tell(contract, org, key="signed", now=now, subject=f"{contract.title}已签订",
                 body=f"“{contract.title}”双方已签订，合同金额{contract.amount:,.2f}元。")
        send_on_commit(contract_signed, sender=Contract, contract=contract)
    return contract


def _require_suspender(actor, organization: Organization | None, contract: Contract) -> None:
    """The finance bureau or the purchaser suspends and resumes signing; with no actor,
    the complaints process does, as the system."""
    if actor is None:
        return
    if organization is not None and (is_supervisor(organization)
                                     or organization.pk == contract.purchaser_id):
        require_role(actor, organization, *PURCHASER_SIGNERS)
        return
    raise PermissionDenied(_("Only the finance bureau or the purchaser suspends or resumes "
                             "signing."))


@records_refusals()
@transaction.atomic
def contract_signing_suspend(*, contract: Contract, reason: str, actor=None,
                             organization: Organization | None = None, now=None,
                             ip=None) -> Contract:
    """A challenge that may change the result suspends signing (条例 第54条); the
    signing clock pauses with it. Used by the complaints process."""
    now = now or timezone.now()
    contract = locked(contract)
    _require_suspender(actor, organization, contract)
    if not any(CONTRACT.can(contract, step) for step in SIGNING_STEPS):
        raise InvalidTransition(_("Only a contract not yet signed can be suspended."))
    if len((reason or "").strip()) < 5:
        raise DomainError(_("Give the reason."), field="reason")
    contract.suspended_reason = reason.strip()
    contract.save(update_fields=["suspended_reason"])
    deadline_pause(subject=contract.award, clock="contract.sign", reason=reason, at=now,
                   actor=actor)
    audit_record(action="contract.suspend", actor=actor,
                 organization=organization or contract.purchaser,
                 obj=contract, detail={"reason": reason, "basis": SUSPEND_BASIS}, ip=ip, now=now)
    for org in (contract.purchaser, contract.supplier):
        tell(contract, org, key=f"suspended:{now.timestamp()}", now=now,
             subject=f"{contract.title}暂停签订",
             body=f"“{contract.title}”暂停签订（{SUSPEND_BASIS}）：{reason}")
    return contract


@records_refusals()
@transaction.atomic
def contract_signing_resume(*, contract: Contract, actor=None,
                            organization: Organization | None = None, now=None,
                            ip=None) -> Contract:
    now = now or timezone.now()
    contract = locked(contract)
    _require_suspender(actor, organization, contract)
    if not contract.suspended_reason:
        raise InvalidTransition(_("Signing is not suspended."))
    contract.suspended_reason = ""
    contract.save(update_fields=["suspended_reason"])
    deadline_resume(subject=contract.award, clock="contract.sign", at=now, actor=actor)
    audit_record(action="contract.resume", actor=actor,
                 organization=organization or contract.purchaser,
                 obj=contract, ip=ip, now=now)
    for org in (contract.purchaser, contract.supplier):
        tell(contract, org, key=f"resumed:{now.timestamp()}", now=now,
             subject=f"{contract.title}恢复签订",
             body=f"“{contract.title}”恢复签订，签订期限顺延。")
    return contract


def public_fields(contract: Contract) -> dict:
    """What the public notice shows: everything but the fields marked trade secret."""
    hidden = set(contract.secret_fields)
    secret = WITHHELD
    return {
        "contract_number": contract.number, "purchaser": contract.purchaser.name,
        "supplier": contract.supplier.name, "supplier_address": contract.supplier.address,
        "amount": str(contract.amount),
        "items": [{k: (secret if k == "unit_price" and v and "unit_prices" in hidden else v)
                   for k, v in item.items()} for item in contract.items],
        "delivery_place": contract.delivery_place,
        "delivery_deadline": contract.delivery_deadline.isoformat(),
        "delivery_terms": secret if "delivery_terms" in hidden else contract.delivery_terms,
        "special_terms": secret if "special_terms" in hidden else contract.special_terms,
        "signed_at": timezone.localtime(contract.signed_at).isoformat(),
        "withheld": [SECRET_FIELDS_ZH[k] for k in sorted(hidden)],
    }


@records_refusals()
@transaction.atomic
def contract_publish(*, contract: Contract, actor, now=None, ip=None) -> Announcement:
    """Publish the signed contract on the notice pages (春风行动 第18条: 1 working day;
    条例 第50条), leaving out what is marked trade secret; the public PDF is a
    separate rendering without those fields."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.purchaser, *OFFICERS)
    if contract.signed_at is None:
        raise InvalidTransition(_("Only a signed contract is published."))
    if contract.published_at:
        raise InvalidTransition(_("This contract is published already."))
    public = render_contract(contract, public=True)
    contract.public_pdf.save(f"{contract.number}-public.pdf", ContentFile(public), save=False)
    contract.published_at = now
    contract.save(update_fields=["public_pdf", "published_at"])
    fields = public_fields(contract)
    project = contract.award.lot.project
    item_lines = [f"  · {i['name']} {i['brand']} {i['model']} {i['quantity']}{i['unit']}"
                  + (f"，单价：{i['unit_price']}" if i["unit_price"] == WITHHELD else
                     f"，单价{i['unit_price']}元" if i["unit_price"] else "")
                  for i in fields["items"]]
    announcement = Announcement.objects.create(
        project=project, kind=Announcement.Kind.CONTRACT, title=f"{contract.title}公告",
        body="\n".join([
            f"合同编号：{contract.number}", f"项目编号：{project.code}",
            f"采购人：{contract.purchaser.name}", f"供应商：{contract.supplier.name}",
            f"合同金额：{contract.amount:,.2f}元", "主要标的：", *item_lines,
            f"履约期限及地点：{contract.delivery_deadline:%Y年%m月%d日}前，"
            f"{contract.delivery_place}",
            f"签订日期：{timezone.localtime(contract.signed_at):%Y年%m月%d日}",
            *([f"不予公开的内容：{'、'.join(fields['withheld'])}（涉及商业秘密）"]
              if fields["withheld"] else []),
        ]), fields={**fields, "contract_id": contract.pk}, published_at=now)
    deadline_meet(subject=contract, clock="contract.publish", at=now, actor=actor, now=now)
    audit_record(action="contract.publish", actor=actor, organization=contract.purchaser,
                 obj=contract, detail={"announcement": announcement.pk,
                                       "withheld": contract.secret_fields}, ip=ip, now=now)
    return announcement


@records_refusals()
@transaction.atomic
def contract_file(*, contract: Contract, actor, now=None, ip=None) -> Contract:
    """File (备案) the signed contract with the finance bureau (法 第47条; 春风行动
    第18条: 1 working day). The bureau's staff are told and see it at once."""
    now = now or timezone.now()
    contract = locked(contract)
    require_role(actor, contract.purchaser, *OFFICERS)
    if contract.signed_at is None:
        raise InvalidTransition(_("Only a signed contract is filed."))
    if contract.filed_at:
        raise InvalidTransition(_("This contract is filed already."))
    contract.filed_at = now
    contract.save(update_fields=["filed_at"])
    deadline_meet(subject=contract, clock="contract.file", at=now, actor=actor, now=now)
    audit_record(action="contract.file", actor=actor, organization=contract.purchaser,
                 obj=contract, ip=ip, now=now)
    bureau = [u for org in Organization.objects.filter(kind=Organization.Kind.FINANCE)
              for u in people(org)]
    notify(event_key=f"contract:{contract.pk}:filed", recipients=bureau,
           category="contracts.contract", subject=f"合同备案：{contract.title}",
           body=f"【春风政采】{contract.purchaser.name}已备案“{contract.title}”，"
                f"金额{contract.amount:,.2f}元。", link=contract.get_absolute_url(), now=now)
    return contract


# 94号令 第16条 is not in RULES.md: verify the article.
VOID_BASIS = "94号令 第16条（verify）"


@records_refusals()
@transaction.atomic
def contract_void(*, award, now=None) -> Contract | None:
    """The award was revoked before both parties signed (procurement's ``award_revoked``,
    ``receivers``): its unsigned contract is void — step ``void``, with the revocation's
    reason —, signing stops and both parties are told. The platform's step, taken after
    the revocation committed; procurement checked who revoked and that nobody had
    signed twice. No contract, or one already void: nothing to do."""
    now = now or timezone.now()
    contract = Contract.objects.filter(award_id=award.pk).first()
    if contract is None:
        return None
    contract = locked(contract)
    if contract.status == Contract.Status.VOID:
        return contract
    if not CONTRACT.can(contract, "void"):
        raise InvalidTransition(_("A contract signed by both parties is not voided here."))
    reason = f"中标（成交）结果已撤销：{award.revoked_reason}（{award.revoked_basis}）"
    contract.voided_at, contract.void_reason = award.revoked_at or now, reason
    contract.suspended_reason = ""
    transition(contract, Contract.Status.VOID, table=CONTRACT, actor=award.revoked_by,
               now=now, reason=reason, update_fields=["voided_at", "void_reason",
                                                      "suspended_reason"])
    audit_record(action="contract.void", actor=award.revoked_by,
                 organization=contract.purchaser, obj=contract,
                 detail={"award": award.pk, "reason": reason, "basis": VOID_BASIS}, now=now)
    for org in (contract.purchaser, contract.supplier):
        tell(contract, org, key="void", now=now, subject=f"{contract.title}已作废",
             body=f"“{contract.title}”未经双方签订，因{reason}，合同作废（{VOID_BASIS}）。")
    return contract


def signed_by_both(award) -> str:
    """For ``procurement.revocations``: why the award cannot be revoked any more — its
    contract is signed by both parties — or ""."""
    contract = Contract.objects.filter(award_id=award.pk).only("status").first()
    if contract is None or contract.status in (Contract.Status.DRAFT, Contract.Status.SIGNING,
                                               Contract.Status.VOID):
        return ""
    return str(_("The contract has been signed by both parties."))
