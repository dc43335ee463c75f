"""Forms of the challenges part: shape only; the services decide (windows, standing,
files, every objection answered)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from procurement.forms import MultipleFileField

from .models import Challenge, Objection


class ChallengeForm(BootstrapFormMixin, forms.Form):
    trigger = forms.ChoiceField(label=_("What is challenged"), choices=Challenge.Trigger.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    files = MultipleFileField(label=_("Evidence files"), required=False,
                              help_text=_("PDF, Word, Excel, ZIP, PNG or JPEG."))
    # One key per form shown: a double submit of it files one challenge.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False,
                                      max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class ObjectionForm(BootstrapFormMixin, forms.Form):
    relates_to = forms.ChoiceField(label=_("Relates to"),
                                   choices=[("", "—"), *Objection.RelatesTo.choices])
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=None, required=False)
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    facts = forms.CharField(label=_("Facts and arguments"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    remedy_requested = forms.CharField(label=_("Remedy requested"), max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = project.lots.all() if project else None


ObjectionFormSet = forms.formset_factory(ObjectionForm, extra=3, max_num=20)


def objection_formset(project, data=None):
    return ObjectionFormSet(data, prefix="objections", form_kwargs={"project": project})


def objections_of(formset) -> list[dict]:
    """The rows filled in (an untouched row is left out)."""
    return [{k: f.cleaned_data.get(k) for k in ("relates_to", "lot", "legal_ground", "facts",
                                                "remedy_requested")}
            for f in formset.forms if f.cleaned_data]


class MessageForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    party = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"),
                               choices=[("", "—"), *Challenge.RejectReason.choices])
    detail = forms.CharField(label=_("Details"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(BootstrapFormMixin, forms.Form):
    """One decision and one written answer per objection, then the summary and remedy."""

    summary = forms.CharField(label=_("Summary of the answer"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    remedy = forms.ChoiceField(label=_("Consequence"), choices=Challenge.Remedy.choices)

    def __init__(self, *args, objections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objections = list(objections)
        for o in self.objections:
            self.fields[f"decision_{o.pk}"] = forms.ChoiceField(
                label=_("Decision on objection %(n)s") % {"n": o.number},
                choices=[("", "—"), *Objection.Decision.choices])
            self.fields[f"answer_{o.pk}"] = forms.CharField(
                label=_("Answer to objection %(n)s") % {"n": o.number}, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}))
        # The fields added here after the mixin styled the first ones.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}"

    def rows(self):
        return [(o, self[f"decision_{o.pk}"], self[f"answer_{o.pk}"]) for o in self.objections]

    def answers(self) -> list[dict]:
        return [{"objection": o.pk, "decision": self.cleaned_data[f"decision_{o.pk}"],
                 "answer": self.cleaned_data[f"answer_{o.pk}"]} for o in self.objections]
