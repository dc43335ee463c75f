from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .validators import validate_credit_code, validate_mobile, validate_region_code


class User(AbstractUser):
    """A person. Roles come from organisation membership, not from the user row."""

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile phone"),
        max_length=11,
        blank=True,
        validators=[validate_mobile],
        help_text=_("Used for SMS reminders of statutory deadlines."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.real_name or self.username

    @property
    def display_name(self):
        return self.real_name or self.get_full_name() or self.username


class OrganizationKind(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    AGENCY = "agency", _("Procurement agency")
    CENTRAL_AGENCY = "central_agency", _("Central procurement agency")
    SUPPLIER = "supplier", _("Supplier")
    FINANCE = "finance", _("Finance bureau")
    BANK = "bank", _("Bank")

class EnterpriseScale(models.TextChoices):
    # 企业规模 per 工信部联企业〔2011〕300号; declared by the supplier in its
    # 中小企业声明函, which alone proves SME status (财库〔2020〕46号).
    LARGE = "large", _("Large enterprise")
    MEDIUM = "medium", _("Medium enterprise")
    SMALL = "small", _("Small enterprise")
    MICRO = "micro", _("Micro enterprise")


class Organization(models.Model):
    Kind = OrganizationKind
    Scale = EnterpriseScale

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    region_code = models.CharField(
        _("region code"), max_length=6, blank=True, validators=[validate_region_code]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    scale = models.CharField(
        _("enterprise scale"), max_length=10, choices=Scale.choices, blank=True
    )
    # Recorded for statistics only. Ownership is never a scoring or
    # qualification criterion (春风行动 3; 外商投资法 第16条).
    is_foreign_invested = models.BooleanField(_("foreign-invested"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values),
                name="accounts_organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(scale="") | Q(scale__in=EnterpriseScale.values),
                name="accounts_organization_scale_valid",
            ),
            models.CheckConstraint(
                condition=Q(scale="") | Q(kind="supplier"),
                name="accounts_organization_scale_only_for_suppliers",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="accounts_org_kind_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organization-detail", args=[self.pk])

    @property
    def is_sme(self):
        return self.scale in (self.Scale.MEDIUM, self.Scale.SMALL, self.Scale.MICRO)

    @property
    def workspace(self) -> str:
        return WORKSPACE_BY_KIND[self.kind]


# Which workspace each kind of organisation works in (DESIGN.md "Who uses it").
WORKSPACE_BY_KIND = {
    Organization.Kind.PURCHASER: "purchaser",
    Organization.Kind.AGENCY: "agency",
    Organization.Kind.CENTRAL_AGENCY: "agency",
    Organization.Kind.SUPPLIER: "supplier",
    Organization.Kind.FINANCE: "supervision",
    Organization.Kind.BANK: "bank",
}


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Organisation administrator")
    OFFICER = "officer", _("Officer")
    APPROVER = "approver", _("Approver")
    LEADER = "leader", _("Leader")


class Membership(models.Model):
    Role = MembershipRole

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="accounts_membership_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values),
                name="accounts_membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class ExpertProfile(models.Model):
    """An evaluation expert (评审专家): an individual, drawn at random per lot."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expert_profile"
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Organization,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employed_experts",
        help_text=_("An expert never reviews bids where the employer is a party."),
    )
    employer_name = models.CharField(_("employer (if not on the platform)"), max_length=200,
                                     blank=True)
    specialities = models.ManyToManyField(
        "core.CatalogItem", verbose_name=_("specialities"), blank=True, related_name="experts"
    )
    avoidances = models.ManyToManyField(
        Organization,
        verbose_name=_("declared avoidances"),
        blank=True,
        related_name="avoiding_experts",
        help_text=_("Organisations the expert has a conflict of interest with."),
    )
    is_available = models.BooleanField(_("available for drawing"), default=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self):
        return str(self.user)
