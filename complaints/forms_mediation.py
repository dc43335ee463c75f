"""The mediation pages' forms: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapFormMixin
from procurement.forms import MultipleFileField

from .models import Mediation, MediationOpinion

TEXTAREA = {"rows": 4}


class MediationRequestForm(BootstrapFormMixin, forms.Form):
    subject = forms.ChoiceField(label=_("Dispute about"), choices=Mediation.Subject.choices)
    claim = forms.CharField(
        label=_("The dispute and what you ask for"), max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The facts, the amounts in dispute and what you ask the other party to "
                    "do."))
    files = MultipleFileField(
        label=_("Evidence"), required=False,
        help_text=_("Optional: PDF, Word, Excel, ZIP, PNG or JPEG, checked by content."))


class MediationAcceptForm(BootstrapFormMixin, forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=User.objects.none(),
                                      help_text=_("One of the finance bureau's staff."))

    def __init__(self, *args, mediators=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mediator"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in mediators]).order_by(
            "username")
        field.label_from_instance = lambda u: u.display_name


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MediationSessionForm(BootstrapFormMixin, forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Place or link"), max_length=200)
    attendees = forms.CharField(label=_("Attendees"), max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), max_length=20000,
                              widget=forms.Textarea(attrs=TEXTAREA))


class MediationOpinionForm(BootstrapFormMixin, forms.Form):
    author_kind = forms.ChoiceField(label=_("Given by"),
                                    choices=MediationOpinion.Author.choices)
    author_name = forms.CharField(label=_("Name"), max_length=100)
    text = forms.CharField(label=_("Opinion"), max_length=20000,
                           widget=forms.Textarea(attrs=TEXTAREA))
    file = forms.FileField(label=_("Signed copy (optional)"), required=False,
                           help_text=_("PDF, Word or an image, checked by content."))


class MediationSettleForm(BootstrapFormMixin, forms.Form):
    terms = forms.CharField(label=_("Terms of the settlement"), max_length=20000,
                            widget=forms.Textarea(attrs=TEXTAREA),
                            help_text=_("Each party confirms them online; the mediation is "
                                        "settled once both have."))


class MediationReferForm(BootstrapFormMixin, forms.Form):
    referred_to = forms.CharField(label=_("Referred to"), max_length=200,
                                  help_text=_("An arbitration commission, a court or another "
                                              "body."))
    reason = forms.CharField(label=_("Why"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
