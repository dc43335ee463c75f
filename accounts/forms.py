from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import Membership, Organization
from .validators import normalize_credit_code, validate_credit_code, validate_mobile


class SupplierRegistrationForm(BootstrapFormMixin, forms.Form):
    """Shape only; the service decides duplicates and everything else."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=22,
        help_text=_("18 characters, as printed on the business licence."),
    )
    # Four choices, each worth reading: radios in a fieldset, not a drop-down.
    scale = forms.ChoiceField(
        label=_("Enterprise scale"), choices=Organization.Scale.choices,
        widget=forms.RadioSelect,
        help_text=_("As you will declare it in the SME declaration letter."),
    )
    is_foreign_invested = forms.BooleanField(
        label=_("Foreign-invested enterprise"), required=False,
        help_text=_("For statistics only: ownership is never a criterion."),
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    real_name = forms.CharField(label=_("Your real name"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile phone"), max_length=11, validators=[validate_mobile],
        help_text=_("Statutory deadline reminders are sent here by SMS."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput,
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput,
    )

    COMPANY_FIELDS = ["name", "credit_code", "scale", "address", "contact_name",
                      "contact_phone", "contact_email", "is_foreign_invested"]

    @property
    def company_fields(self):
        return [self[name] for name in self.COMPANY_FIELDS]

    @property
    def account_fields(self):
        return [self[name] for name in self.fields if name not in self.COMPANY_FIELDS]

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class OrganizationProfileForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["address", "contact_name", "contact_phone", "contact_email", "scale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != Organization.Kind.SUPPLIER:
            del self.fields["scale"]


class MemberAddForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile phone"), max_length=11,
                             validators=[validate_mobile])
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    password = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput,
        help_text=_("Tell it to the colleague in person; they should change it at first login."),
    )



class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass
