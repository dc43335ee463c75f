"""Forms of the credit part: shape only — the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.forms import BootstrapFormMixin
from core.validators import validate_money, validate_not_future, validate_plausible_date
from procurement.models import Project

from .models import Complaint, Penalty
from .services.credit import PERIOD_RE

DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                          format="%Y-%m-%dT%H:%M")}
SUBJECT_KINDS = (Organization.Kind.SUPPLIER, Organization.Kind.AGENCY,
                 Organization.Kind.CENTRAL_AGENCY, Organization.Kind.PURCHASER)


class RepairApplyForm(BootstrapFormMixin, forms.Form):
    statement = forms.CharField(
        label=_("What was corrected"), min_length=10, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the behaviour was corrected and what shows it; the finance bureau "
                    "reviews it."))


class RepairReviewForm(BootstrapFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "approve",
        choices=[("approve", _("Approve: the record stops counting and the listing is "
                               "lifted")),
                 ("refuse", _("Refuse"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (the reason, when refusing)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class _OrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}）"


class PenaltyForm(BootstrapFormMixin, forms.Form):
    subject = _OrganizationField(
        label=_("Penalised organisation"),
        queryset=Organization.objects.filter(kind__in=SUBJECT_KINDS).order_by("name"))
    kind = forms.ChoiceField(label=_("Penalty"), choices=Penalty.Kind.choices)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    facts = forms.CharField(label=_("Facts"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label=_("Legal basis"), max_length=200, initial="法 第77条")
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, max_digits=14,
                                decimal_places=2, validators=[validate_money],
                                help_text=_("The fine or the gains confiscated."))
    decided_at = forms.DateTimeField(label=_("Decided at"), validators=[validate_not_future],
                                     **DATETIME)
    effective_from = forms.DateTimeField(label=_("In force from"),
                                         validators=[validate_plausible_date], **DATETIME)
    effective_until = forms.DateTimeField(
        label=_("In force until"), required=False,
        help_text=_("A debarment lasts one to three years."), **DATETIME)
    complaint = forms.ModelChoiceField(
        label=_("Following complaint"), required=False,
        queryset=Complaint.objects.filter(status=Complaint.Status.DECIDED).order_by("-decided_at"),
        help_text=_("When the penalty follows a complaint's investigation."))


class CollusionForm(BootstrapFormMixin, forms.Form):
    """The finance bureau records collusion it confirmed in a project."""

    subject = _OrganizationField(
        label=_("Supplier"),
        queryset=Organization.objects.filter(kind=Organization.Kind.SUPPLIER).order_by("name"))
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.order_by(
        "-created_at"))
    detail = forms.CharField(label=_("What was confirmed"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SpotCheckDrawForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=7,
                             help_text=_("A year and quarter, e.g. 2026-Q4."))

    def clean_period(self):
        period = self.cleaned_data["period"].strip().upper()
        if not PERIOD_RE.match(period):
            raise forms.ValidationError(_("Enter the period as a year and quarter, e.g. "
                                          "2026-Q4."))
        return period


class SpotCheckRecordForm(BootstrapFormMixin, forms.Form):
    findings = forms.CharField(label=_("Findings"), min_length=5, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}))
