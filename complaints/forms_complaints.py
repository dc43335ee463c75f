"""Forms of the complaints part: they check shape only; the services check the law."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from procurement.forms import MultipleFileField

from .models import Complaint, ComplaintPause


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class MattersMixin:
    """The matters are chosen among the challenge's objections."""

    def set_matters(self, challenge):
        objections = list(challenge.objections.order_by("number")) if challenge else []
        self.fields["matters"].choices = [
            (o.pk, f"({o.number}) {o.get_relates_to_display()}: {o.facts[:80]}")
            for o in objections]
        # Any id is passed on: the service refuses a matter never challenged.
        self.fields["matters"].valid_value = lambda value: True


class ComplaintFileForm(MattersMixin, BootstrapFormMixin, forms.Form):
    matters = forms.MultipleChoiceField(label=_("Matters complained of"),
                                        widget=forms.CheckboxSelectMultiple)
    request = forms.CharField(label=_("What you ask the finance bureau to do"),
                              widget=_textarea(3))
    facts = forms.CharField(label=_("Facts and grounds"), widget=_textarea(6))
    files = MultipleFileField(label=_("Evidence"), required=False)

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_matters(challenge)


class ComplaintRegisterForm(ComplaintFileForm):
    """Offline: the finance bureau registers a paper complaint with its scan."""

    filed_at = forms.DateTimeField(label=_("Received at"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    original = forms.FileField(label=_("Scan of the paper complaint"))

    field_order = ["matters", "request", "facts", "filed_at", "original", "files"]


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_textarea(3))


class CorrectionRequestForm(BootstrapFormMixin, forms.Form):
    request = forms.CharField(label=_("What must be corrected"), widget=_textarea(3))


class CorrectForm(BootstrapFormMixin, forms.Form):
    request = forms.CharField(label=_("Corrected request"), required=False,
                              widget=_textarea(3))
    facts = forms.CharField(label=_("Corrected facts and grounds"), required=False,
                            widget=_textarea(5))
    files = MultipleFileField(label=_("Missing files"), required=False)


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False,
                             widget=_textarea(2))


class PauseForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Why the clock stops"), choices=[
        (ComplaintPause.Kind.TESTING, ComplaintPause.Kind.TESTING.label),
        (ComplaintPause.Kind.EXPERT_REVIEW, ComplaintPause.Kind.EXPERT_REVIEW.label)])
    reason = forms.CharField(label=_("What is tested or reviewed, and by whom"),
                             widget=_textarea(2))


class SuspendForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Suspend for (days)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2))


class DecideForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision on the complaint"),
                                choices=Complaint.Outcome.choices)
    decision_text = forms.CharField(label=_("Facts found and reasons"), widget=_textarea(6))
    decision_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    false_materials = forms.BooleanField(label=_("The complainant's materials were false"),
                                         required=False)
    malicious = forms.BooleanField(label=_("The complaint was malicious"), required=False)


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Your explanation of the matters complained of"),
                           widget=_textarea(6))
    files = MultipleFileField(label=_("Evidence, grounds and other materials"),
                              required=False)


class ConfirmForm(BootstrapFormMixin, forms.Form):
    pass


class ComplaintFilterForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *Complaint.Status.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
