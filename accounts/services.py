"""Every write about organisations and people goes through these functions.

Each service that may refuse is decorated with ``core.refusals.records_refusals``:
its ``DomainError`` is recorded in the audit trail after the rollback, whoever called
(the registration page, the API, the admin, a command) — callers record nothing.
"""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.exceptions import DomainError
from core.refusals import records_refusals

from .exceptions import DuplicateOrganization
from .models import ExpertProfile, Membership, Organization, User
from .validators import normalize_credit_code, validate_credit_code, validate_mobile


def _normalized_name(name: str) -> str:
    # "许昌 某某科技 有限公司" and "许昌某某科技有限公司（）" are the same legal name.
    return re.sub(r"[\s()（）]", "", name or "")


def organization_find_duplicate(*, name: str, credit_code: str) -> Organization | None:
    code = normalize_credit_code(credit_code)
    existing = Organization.objects.filter(credit_code=code).first()
    if existing:
        return existing
    target = _normalized_name(name)
    # Names are compared after removing spaces and brackets; the candidate set
    # is narrowed by the database first so this stays cheap.
    for org in Organization.objects.filter(name__icontains=target[:4]).only("id", "name"):
        if _normalized_name(org.name) == target:
            return org
    return None


def _validate(validator, value, field):
    try:
        validator(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid", field=field) from exc


@records_refusals()
def user_create(
    *,
    username: str,
    password: str | None,
    real_name: str = "",
    mobile: str = "",
    email: str = "",
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("The username “%(username)s” is taken; choose another."),
            code="duplicate_username",
            field="username",
            params={"username": username},
        )
    _validate(validate_mobile, mobile, "mobile")
    user = User(username=username, real_name=real_name, mobile=mobile, email=email)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="weak_password",
                              field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@records_refusals()
@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str,
    credit_code: str,
    actor: User | None = None,
    ip: str | None = None,
    **fields,
) -> Organization:
    code = normalize_credit_code(credit_code)
    _validate(validate_credit_code, code, "credit_code")
    duplicate = organization_find_duplicate(name=name, credit_code=code)
    if duplicate is not None:
        if duplicate.credit_code == code:
            raise DuplicateOrganization(
                _("An organisation with credit code %(code)s is already registered "
                  "(%(name)s). Ask its administrator to add you as a member."),
                field="credit_code",
                params={"code": code, "name": duplicate.name},
            )
        raise DuplicateOrganization(
            _("“%(name)s” is already registered under another credit code. "
              "One legal entity has one unified social credit code."),
            field="name",
            params={"name": duplicate.name},
        )
    fields.setdefault("region_code", code[2:8])
    org = Organization(name=name.strip(), kind=kind, credit_code=code, **fields)
    try:
        org.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], code="invalid", field=field) from exc
    try:
        org.save()
    except IntegrityError as exc:  # a concurrent registration of the same code
        raise DuplicateOrganization(field="credit_code") from exc
    audit_record(action="organization.create", actor=actor, organization=org, obj=org,
                 detail={"kind": kind, "credit_code": code}, ip=ip)
    return org


@records_refusals()
@transaction.atomic
def membership_grant(
    *, user: User, organization: Organization, role: str, actor: User | None = None,
    ip: str | None = None,
) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(_("Unknown role."), code="invalid_role", field="role")
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit_record(action="membership.grant", actor=actor, organization=organization,
                 obj=membership, detail={"user": user.username, "role": role}, ip=ip)
    return membership


@records_refusals()
@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User, ip: str | None = None) -> None:
    if membership.role == Membership.Role.ADMIN:
        others = Membership.objects.filter(
            organization=membership.organization, role=Membership.Role.ADMIN, is_active=True
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise DomainError(
                _("An organisation must keep at least one administrator."),
                code="last_admin",
            )
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(action="membership.revoke", actor=actor, organization=membership.organization,
                 obj=membership, detail={"user": membership.user.username,
                                         "role": membership.role}, ip=ip)


@records_refusals()
@transaction.atomic
def member_add(
    *,
    organization: Organization,
    actor: User,
    username: str,
    real_name: str,
    mobile: str,
    email: str,
    role: str,
    password: str,
    ip: str | None = None,
) -> Membership:
    """An organisation administrator creates a colleague's account and role."""
    user = user_create(username=username, password=password, real_name=real_name,
                       mobile=mobile, email=email)
    return membership_grant(user=user, organization=organization, role=role, actor=actor, ip=ip)


@records_refusals()
@transaction.atomic
def supplier_register(
    *,
    name: str,
    credit_code: str,
    scale: str,
    address: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str = "",
    is_foreign_invested: bool = False,
    username: str,
    password: str,
    real_name: str,
    mobile: str,
    ip: str | None = None,
) -> Membership:
    """Free online self-registration of a supplier (春风行动 19: no fee of any kind).

    1. validate the credit code (GB 32100-2015) and refuse duplicates;
    2. create the organisation, its first user and the admin membership;
    3. audit the registration.
    Any refusal raises DomainError before anything is saved.
    """
    if scale not in Organization.Scale.values:
        raise DomainError(_("Choose the enterprise scale."), code="invalid_scale",
                          field="scale")
    org = organization_create(
        name=name,
        kind=Organization.Kind.SUPPLIER,
        credit_code=credit_code,
        scale=scale,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        is_foreign_invested=is_foreign_invested,
        ip=ip,
    )
    user = user_create(username=username, password=password, real_name=real_name,
                       mobile=mobile, email=contact_email)
    membership = membership_grant(user=user, organization=org, role=Membership.Role.ADMIN,
                                  actor=user, ip=ip)
    audit_record(action="supplier.register", actor=user, organization=org, obj=org,
                 detail={"scale": scale}, ip=ip)
    return membership


@records_refusals()
@transaction.atomic
def organization_update_profile(
    *, organization: Organization, actor: User, ip: str | None = None, **fields
) -> Organization:
    allowed = {"address", "contact_name", "contact_phone", "contact_email", "scale"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here."), code="invalid")
    if "scale" in fields and organization.kind != Organization.Kind.SUPPLIER:
        fields.pop("scale")
    before = {k: getattr(organization, k) for k in fields}
    for key, value in fields.items():
        setattr(organization, key, value)
    try:
        organization.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], code="invalid", field=field) from exc
    organization.save(update_fields=list(fields))
    changed = {k: [before[k], fields[k]] for k in fields if before[k] != fields[k]}
    audit_record(action="organization.update", actor=actor, organization=organization,
                 obj=organization, detail={"changed": changed}, ip=ip)
    return organization


@records_refusals()
@transaction.atomic
def expert_profile_save(
    *, user: User, title: str = "", employer: Organization | None = None,
    employer_name: str = "", specialities=(), avoidances=(), is_available: bool = True,
    actor: User | None = None,
) -> ExpertProfile:
    profile, _created = ExpertProfile.objects.update_or_create(
        user=user,
        defaults={"title": title, "employer": employer, "employer_name": employer_name,
                  "is_available": is_available},
    )
    profile.specialities.set(specialities)
    profile.avoidances.set(avoidances)
    audit_record(action="expert.profile_save", actor=actor or user, obj=profile,
                 detail={"specialities": sorted(str(s.pk) for s in specialities),
                         "avoidances": sorted(a.pk for a in avoidances)})
    return profile
