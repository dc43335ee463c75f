"""The finance bureau's administration of people and organisations.

Administrators cannot become someone else (issue [trust] 3). In this admin:

- only a superuser grants or withdraws superuser status; anyone else grants
  only the permissions (directly or through a group) it holds itself, never
  changes its own status, groups or permissions, and cannot edit an account
  that holds more than it does (a superuser's above all) or set another
  person's password — that would let it log in as them;
- nobody, superuser included, adds, changes or removes members of suppliers
  and banks: a supplier's member bids for it and withdraws its bids, a bank's
  member decides financing. Their own administrators do that on the platform
  (``member_add``, ``membership_revoke``). The one exception is onboarding a
  bank: until it has an active member, the finance bureau gives it its first
  administrator here. Nor does anybody grant themselves a
  role, or an expert profile (a seat on evaluation committees);
- an organisation's kind is fixed once registered, so that a supplier cannot
  be turned into a purchaser for a moment to admit a member.

Refusals are form errors (nothing saved) or 403s, and each is recorded as
``admin.refused`` by ``AuditedAdminMixin``, which also audits what is saved.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin, admin_refuse

from .models import ExpertProfile, Membership, Organization, User

# The organisations whose members only their own administrators appoint.
MARKET_PARTY_KINDS = frozenset({Organization.Kind.SUPPLIER, Organization.Kind.BANK})

# A person's own flags: read-only when they edit their own account.
OWN_FLAGS = ("is_active", "is_staff", "groups", "user_permissions")

MARKET_PARTY_MEMBERSHIP = _(
    "Members of suppliers and banks are added, changed and removed by the organisation's own "
    "administrator on the platform, not in the administration."
)
OWN_MEMBERSHIP = _("No one grants, changes or removes their own roles: ask another "
                   "administrator.")


def _kept_records_unnamed(deleted_objects):
    """A person or organisation named by kept records (the audit trail, bids, documents
    obtained …) cannot be deleted: it is deactivated. Django's refusal would list those
    records and their kinds, which reads out who bid in a tender not yet opened (who bid
    is secret until opening, audit.selectors); the refusal says only that they exist."""
    deleted, counts, perms_needed, protected = deleted_objects
    kept = _("records the platform must keep (deactivate it instead)")
    return deleted, counts, {kept} if perms_needed else set(), [kept] if protected else []


def _labels(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def _powers_of(user) -> set[str]:
    """Every permission the account holds, directly or by a group — active or not,
    since whoever may edit it may also reactivate it."""
    return _labels(Permission.objects.filter(Q(user=user) | Q(group__user=user))
                   .select_related("content_type").distinct())


def _may_manage(actor, user) -> bool:
    """Whether ``actor`` holds every power of ``user``: only then may it edit that account."""
    if actor.is_superuser:
        return True
    return not user.is_superuser and _powers_of(user) <= actor.get_all_permissions()


def _refuse_permissions_not_held(form, field: str, granted) -> None:
    """The actor grants only what it holds itself (a superuser holds everything)."""
    actor = form.request.user
    if actor.is_superuser:
        return
    lacking = sorted(_labels(granted) - actor.get_all_permissions())
    if lacking:
        admin_refuse(form.request, "permission_not_held")
        form.add_error(field, ValidationError(
            _("You can grant only permissions you hold yourself. You do not hold: "
              "%(permissions)s."),
            code="permission_not_held", params={"permissions": ", ".join(lacking)}))


def _appointed_by_itself(org) -> bool:
    """A market party whose members only its own administrator appoints.

    A bank does not register itself as a supplier does: the finance bureau onboards it
    and gives it its first administrator here. From its first active member on, the
    bank appoints its own people.
    """
    if org.kind == Organization.Kind.BANK:
        return org.pk is not None and org.memberships.filter(is_active=True).exists()
    return org.kind in MARKET_PARTY_KINDS


def _membership_refusal(request, *, users, organizations) -> ValidationError | None:
    """Refuse a membership change touching a market party or the actor's own roles.

    ``users`` and ``organizations`` are the membership's before and after the change.
    """
    if any(org is not None and _appointed_by_itself(org) for org in organizations):
        code, message = "market_party_membership", MARKET_PARTY_MEMBERSHIP
    elif any(user is not None and user.pk == request.user.pk for user in users):
        code, message = "own_membership", OWN_MEMBERSHIP
    else:
        return None
    admin_refuse(request, code)
    return ValidationError(message, code=code)


def _membership_locked(request, membership) -> bool:
    return (_appointed_by_itself(membership.organization)
            or membership.user_id == request.user.pk)


class FormKnowsRequestMixin:
    """Gives the admin's form the request, so that its checks know who is asking."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request  # modelform_factory made this class for this request alone
        return form


# --- people ---------------------------------------------------------------------------------

class UserChangeForm(BaseUserChangeForm):
    request = None

    def clean(self):
        cleaned = super().clean()
        actor = self.request.user
        if actor.is_superuser:
            return cleaned
        # Fields read-only for this actor are not in the form, and a browser does not post
        # them: a value for one is an attempt, refused whole rather than silently dropped.
        posted = {name for name in ("is_superuser", *OWN_FLAGS)
                  if name not in self.fields and name in self.data}
        if "is_superuser" in posted:
            admin_refuse(self.request, "superuser_not_grantable")
            self.add_error(None, ValidationError(
                _("Only a superuser can grant or withdraw superuser status."),
                code="superuser_not_grantable"))
        if posted - {"is_superuser"}:
            admin_refuse(self.request, "own_flags_not_changeable")
            self.add_error(None, ValidationError(
                _("You cannot change your own status, groups or permissions: ask another "
                  "administrator."), code="own_flags_not_changeable"))
        if "user_permissions" in cleaned:
            before = set(self.instance.user_permissions.all())
            _refuse_permissions_not_held(self, "user_permissions",
                                         set(cleaned["user_permissions"]) - before)
        if "groups" in cleaned:
            added = set(cleaned["groups"]) - set(self.instance.groups.all())
            _refuse_permissions_not_held(
                self, "groups",
                Permission.objects.filter(group__in=added).select_related("content_type"))
        return cleaned


class MembershipInlineFormSet(BaseInlineFormSet):
    request = None  # set by MembershipInline.get_formset

    def clean(self):
        super().clean()
        touched = [form for form in self.forms
                   if form.has_changed() or (self.can_delete and self._should_delete_form(form))]
        stored = Membership.objects.select_related("user", "organization").in_bulk(
            [form.instance.pk for form in touched if form.instance.pk])
        users, organizations = [], []
        for form in touched:
            before = stored.get(form.instance.pk)
            if before is not None:
                users.append(before.user)
                organizations.append(before.organization)
            if not self._should_delete_form(form):
                # The parent (a new organisation too) is the inline's foreign key value.
                users.append(form.cleaned_data.get("user"))
                organizations.append(form.cleaned_data.get("organization"))
        error = _membership_refusal(self.request, users=users, organizations=organizations)
        if error is not None:
            raise error


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ("user", "organization")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset

    def _locked(self, request, obj) -> bool:
        # Read-only where any change would be refused: a market party's members, one's
        # own roles. The formset's clean refuses the rest (e.g. a supplier picked in a row).
        if isinstance(obj, Organization):
            return _appointed_by_itself(obj)
        return isinstance(obj, User) and obj.pk == request.user.pk

    def has_add_permission(self, request, obj):
        return not self._locked(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(FormKnowsRequestMixin, AuditedAdminMixin, BaseUserAdmin):
    form = UserChangeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact for reminders"), {"fields": ("real_name", "mobile")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Contact for reminders"), {"fields": ("real_name", "mobile", "email")}),
    )
    list_display = ("username", "real_name", "mobile", "email", "is_active", "is_staff")
    search_fields = ("username", "real_name", "mobile", "email")
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if obj is not None and obj.pk == request.user.pk:
                fields += OWN_FLAGS
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or _may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or _may_manage(request.user, obj))

    def get_deleted_objects(self, objs, request):
        return _kept_records_unnamed(super().get_deleted_objects(objs, request))

    def user_change_password(self, request, id, form_url=""):
        return self.recording_refusals(request, id, self._user_change_password,
                                       request, id, form_url)

    def _user_change_password(self, request, id, form_url):
        user = self.get_object(request, unquote(id))
        # Whoever sets a person's password can log in as that person. A forgotten
        # password is reset by a superuser (the platform's operator) only.
        if user is not None and user.pk != request.user.pk and not request.user.is_superuser:
            if request.method == "POST":
                admin_refuse(request, "password_of_another_person")
            raise PermissionDenied
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                self._audit(request, "admin.change", obj=user, detail={"fields": ["password"]})
        return response


class GroupForm(forms.ModelForm):
    request = None

    def clean(self):
        cleaned = super().clean()
        if "permissions" in cleaned:
            before = set(self.instance.permissions.all()) if self.instance.pk else set()
            _refuse_permissions_not_held(self, "permissions",
                                         set(cleaned["permissions"]) - before)
        return cleaned


# A group is the other way to hand out permissions: the same rule applies to it.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FormKnowsRequestMixin, AuditedAdminMixin, BaseGroupAdmin):
    form = GroupForm


# --- organisations and roles --------------------------------------------------------------

@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "region_code", "scale",
                    "is_foreign_invested", "is_active")
    list_filter = ("kind", "scale", "is_foreign_invested", "is_active")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("kind")
        return fields

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term)
        if (request.GET.get("model_name") == "membership"
                and request.GET.get("field_name") == "organization"):
            # The membership forms' organisation picker: do not offer what would be refused
            # (a bank without members yet is being onboarded and is offered).
            queryset = queryset.exclude(
                Q(kind=Organization.Kind.SUPPLIER)
                | Q(kind=Organization.Kind.BANK, memberships__is_active=True)).distinct()
        return queryset, may_have_duplicates

    def get_deleted_objects(self, objs, request):
        return _kept_records_unnamed(super().get_deleted_objects(objs, request))


class MembershipForm(forms.ModelForm):
    request = None

    def clean(self):
        cleaned = super().clean()
        before = self.instance  # not yet updated: _post_clean runs after clean()
        error = _membership_refusal(
            self.request,
            users=[cleaned.get("user"), before.user if before.pk else None],
            organizations=[cleaned.get("organization"),
                           before.organization if before.pk else None])
        if error is not None:
            self.add_error(None, error)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(FormKnowsRequestMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active", "organization__kind")
    search_fields = ("user__username", "user__real_name", "organization__name")
    autocomplete_fields = ("user", "organization")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or not _membership_locked(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or not _membership_locked(request, obj))


class ExpertProfileForm(forms.ModelForm):
    request = None

    def clean(self):
        cleaned = super().clean()
        users = [cleaned.get("user"), self.instance.user if self.instance.pk else None]
        if any(user is not None and user.pk == self.request.user.pk for user in users):
            admin_refuse(self.request, "own_expert_profile")
            self.add_error(None, ValidationError(
                _("No one records their own expert profile: an expert's specialities and "
                  "declared conflicts are recorded by another administrator."),
                code="own_expert_profile"))
        return cleaned


@admin.register(ExpertProfile)
class ExpertProfileAdmin(FormKnowsRequestMixin, AuditedAdminMixin, admin.ModelAdmin):
    form = ExpertProfileForm
    list_display = ("user", "title", "employer", "employer_name", "is_available")
    list_filter = ("is_available",)
    search_fields = ("user__real_name", "user__username", "title", "employer_name")
    autocomplete_fields = ("user", "employer", "avoidances", "specialities")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.user_id != request.user.pk)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.user_id != request.user.pk)
