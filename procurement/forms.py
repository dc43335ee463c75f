from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.forms import BootstrapFormMixin
from core.validators import (
    plausible_years,
    validate_money,
    validate_plausible_date,
    validate_plausible_year,
)

from .models import (
    BudgetLine,
    Demand,
    EvaluationCriterion,
    Lot,
    MethodAttachment,
    Objection,
    ProcurementIntention,
    Project,
    SingleSource,
)

POSITIVE = Decimal("0.01")

class BudgetLineForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "code", "name", "amount", "source", "economic_class"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ranges are the fields' own: a negative amount otherwise reached the table's
        # CHECK constraint, and the page showed the constraint's name.
        year, amount = self.fields["year"], self.fields["amount"]
        first, last = plausible_years()
        year.validators.append(validate_plausible_year)
        year.widget.attrs.update({"min": first, "max": last})
        year.initial = timezone.localdate().year
        amount.validators += [MinValueValidator(POSITIVE), validate_money]
        amount.widget.attrs["min"] = POSITIVE


class IntentionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=200)
    summary = forms.CharField(label=_("What is to be bought"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=16, decimal_places=2,
                                min_value=POSITIVE, validators=[validate_money])
    expected_month = forms.DateField(
        label=_("Expected month of procurement"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"], validators=[validate_plausible_date])


class DemandForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Demand.Category.choices)
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    intention = forms.ModelChoiceField(label=_("Procurement intention"), required=False,
                                       queryset=ProcurementIntention.objects.none())
    technical_requirements = forms.CharField(label=_("Technical requirements"),
                                             widget=forms.Textarea(attrs={"rows": 5}))
    commercial_requirements = forms.CharField(label=_("Commercial requirements"),
                                              required=False,
                                              widget=forms.Textarea(attrs={"rows": 3}))
    qualification_conditions = forms.CharField(
        label=_("Supplier qualification conditions"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Beyond 政府采购法 第22条. No local registration, size, ownership or "
                    "years-in-business conditions."))
    evaluation_method = forms.ChoiceField(label=_("Evaluation method"),
                                          choices=Demand.Method.choices)
    tie_break = forms.TypedChoiceField(
        label=_("Equal score and equal price"), choices=Demand.TieBreak.choices,
        initial=Demand.TieBreak.DRAW, required=False, empty_value=Demand.TieBreak.DRAW,
        help_text=_("How the documents settle a tie (87号令 第56、57条); never by the order "
                    "of submission."))

    def __init__(self, *args, purchaser=None, **kwargs):
        super().__init__(*args, **kwargs)
        if purchaser is not None:
            self.fields["budget_line"].queryset = BudgetLine.objects.filter(purchaser=purchaser)
            self.fields["intention"].queryset = ProcurementIntention.objects.filter(
                purchaser=purchaser)


class DemandItemForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Item"), max_length=200)
    catalog_code = forms.CharField(label=_("Catalogue code"), max_length=20,
                                   help_text=_("e.g. A02010105 (desktop computers)"))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2,
                                  min_value=POSITIVE)
    unit = forms.CharField(label=_("Unit"), max_length=20)
    specification = forms.CharField(label=_("Specification"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    is_core = forms.BooleanField(label=_("Core product"), required=False)


class CriterionForm(BootstrapFormMixin, forms.Form):
    # A blank first choice, so an untouched extra row is not taken as filled in.
    kind = forms.ChoiceField(label=_("Kind"),
                             choices=[("", "—"), *EvaluationCriterion.Kind.choices])
    name = forms.CharField(label=_("Factor"), max_length=200)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=2,
                                min_value=POSITIVE, max_value=100)
    description = forms.CharField(label=_("How it is scored"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


DemandItemFormSet = forms.formset_factory(DemandItemForm, extra=0, min_num=1,
                                          validate_min=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, min_num=0)

# The usual shape of comprehensive scoring, to start from (87号令 第55条).
DEFAULT_CRITERIA = [
    {"kind": "price", "name": _("Price"), "weight": 30},
    {"kind": "technical", "name": _("Technical response"), "weight": 50},
    {"kind": "commercial", "name": _("After-sales service"), "weight": 20},
]


class OverrideForm(BootstrapFormMixin, forms.Form):
    justification = forms.CharField(label=_("Justification"), min_length=10,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class ProjectForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=200)
    method = forms.ChoiceField(label=_("Procurement method"), choices=Project.Method.choices)
    method_justification = forms.CharField(
        label=_("Reason for the method"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for another method than open tendering above the open-tender "
                    "threshold (条例 第23条)."))
    agency = forms.ModelChoiceField(
        label=_("Entrusted agency"), required=False,
        queryset=Organization.objects.filter(
            kind__in=[Organization.Kind.AGENCY, Organization.Kind.CENTRAL_AGENCY],
            is_active=True))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    supplier_exception = forms.ChoiceField(
        label=_("Fewer suppliers allowed"), required=False,
        choices=Project.SupplierException.choices,
        help_text=_("Only where the rules of the method allow two suppliers."))
    # 单一来源 only (法 第31条; 条例 第38条): services.single_source.
    single_source_supplier = forms.ModelChoiceField(
        label=_("Single source: the supplier"), required=False,
        queryset=Organization.objects.filter(kind=Organization.Kind.SUPPLIER, is_active=True))
    single_source_case = forms.ChoiceField(
        label=_("Single source: the case of 法 第31条"), required=False,
        choices=[("", "—"), *SingleSource.Case.choices])
    experts = forms.CharField(label=_("Single source: the experts (names, employers, titles)"),
                              required=False, max_length=300)
    experts_opinion = forms.CharField(
        label=_("Single source: the experts' opinion"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))


class LotForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Lot name"), max_length=200)
    budget = forms.DecimalField(label=_("Budget (yuan)"), max_digits=16, decimal_places=2,
                                min_value=POSITIVE)
    ceiling_price = forms.DecimalField(label=_("Ceiling price (yuan)"), max_digits=16,
                                       decimal_places=2, min_value=POSITIVE, required=False)
    sme_reservation = forms.ChoiceField(
        label=_("SME reservation"), choices=[("", _("Suggest for me")),
                                             *Lot.Reservation.choices], required=False)
    reserved_share = forms.DecimalField(label=_("Reserved share (%)"), max_digits=5,
                                        decimal_places=2, required=False, min_value=0,
                                        max_value=100)
    # 财库〔2020〕46号 第6、8条, 财库〔2022〕19号: the service checks the values.
    reserved_small_micro_share = forms.DecimalField(
        label=_("Of it for small and micro firms (%)"), max_digits=5, decimal_places=2,
        required=False, min_value=0, max_value=100,
        help_text=_("Partial reservation only; at least 60 %."))
    sme_deduction = forms.DecimalField(
        label=_("Price deduction for small/micro firms (%)"), max_digits=5, decimal_places=2,
        required=False, min_value=0, max_value=100,
        help_text=_("Goods and services 10–20 %, engineering 3–5 % (财库〔2022〕19号); empty: "
                    "the minimum. Printed in the announcement."))
    sme_consortium_deduction = forms.DecimalField(
        label=_("Price deduction for a consortium (%)"), max_digits=5, decimal_places=2,
        required=False, min_value=0, max_value=100,
        help_text=_("Small/micro share at least 30 %: goods and services 4–6 %, engineering "
                    "1–2 %; empty: the minimum."))
    not_reserved_reason = forms.ChoiceField(
        label=_("Reason for not reserving"), required=False,
        choices=[("", "—"), *[(c, label) for c, label in Lot.NotReservedReason.choices
                              if c != Lot.NotReservedReason.TOO_FEW_SMES]],
        help_text=_("Needed when the rules reserve the lot for SMEs and it is not reserved "
                    "(财库〔2020〕46号 第6条); shown to the finance bureau."))
    not_reserved_detail = forms.CharField(
        label=_("Explanation for not reserving"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.ModelMultipleChoiceField(
        label=_("Items in this lot"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With several lots, each item of the demand is in one of them."))

    def __init__(self, *args, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = demand.items.all() if demand is not None else None
        if items is None or len(items) < 2:
            del self.fields["items"]  # one item: nothing to allot
        else:
            self.fields["items"].queryset = items
            self.fields["items"].label_from_instance = lambda i: (
                f"{i.name} × {i.quantity.normalize():f} {i.unit}")


LotFormSet = forms.formset_factory(LotForm, extra=0, min_num=1, validate_min=True)


class AnnounceForm(BootstrapFormMixin, forms.Form):
    documents_from = forms.DateTimeField(
        label=_("Documents available from"), validators=[validate_plausible_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    documents_until = forms.DateTimeField(
        label=_("Documents available until"), validators=[validate_plausible_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    bid_deadline = forms.DateTimeField(
        label=_("Bid deadline and opening time"), validators=[validate_plausible_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RetenderForm(BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("Procurement method"), required=False,
        choices=[("", _("The same method")), *Project.Method.choices],
        help_text=_("After too few bids, another method may be chosen with its reason "
                    "(87号令 第43条)."))
    method_justification = forms.CharField(label=_("Reason for the method"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    supplier_exception = forms.ChoiceField(
        label=_("Fewer suppliers allowed"), required=False,
        choices=Project.SupplierException.choices,
        help_text=_("Only where the rules of the method allow two suppliers."))


class AssistantForm(forms.Form):
    assistant = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["assistant"].queryset = get_user_model().objects.filter(is_active=True)


class ClarifyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Clarification or amendment"),
                           widget=forms.Textarea(attrs={"rows": 4}))
    affects_bids = forms.BooleanField(
        label=_("It may affect how bids are prepared"), required=False,
        help_text=_("If so and fewer than 15 days remain, the bid deadline moves "
                    "automatically (87号令 第27条)."))




class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".pdf,.docx,.xlsx,.zip,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class BidForm(BootstrapFormMixin, forms.Form):
    price = forms.DecimalField(label=_("Price (yuan)"), max_digits=16, decimal_places=2,
                               min_value=POSITIVE)
    brand = forms.CharField(label=_("Brand of the core product"), max_length=100,
                            required=False)
    model = forms.CharField(label=_("Model of the core product"), max_length=100,
                            required=False)
    sme_scale = forms.ChoiceField(
        label=_("Enterprise scale (SME declaration)"),
        choices=[("", "—"), ("large", _("Large enterprise")), ("medium", _("Medium enterprise")),
                 ("small", _("Small enterprise")), ("micro", _("Micro enterprise"))],
        help_text=_("As in your 中小企业声明函; the declaration alone proves SME status."))
    sme_items_by_smes = forms.BooleanField(
        label=_("Every item is made by a small or medium-sized enterprise"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    files = MultipleFileField(
        label=_("Bid documents"),
        help_text=_("PDF, Word, Excel, ZIP, PNG or JPEG; checked by content. They are "
                    "encrypted on arrival and nobody can open them before the opening time."))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    device_id = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)
    price_words = forms.CharField(
        label=_("Price in words (人民币大写)"), max_length=100, required=False,
        help_text=_("As in your opening table, e.g. 伍拾万元整. Where words and figures differ, "
                    "the words prevail (87号令 第59条)."))
    consortium = forms.CharField(
        label=_("Other consortium members"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "许昌某某科技有限公司 | 小型 | 35"}),
        help_text=_("Only for a consortium bid: one member per line — name | scale "
                    "(大型, 中型, 小型 or 微型) | share of the contract in %. You are the lead "
                    "member and keep the rest."))

    consortium_control = forms.BooleanField(
        label=_("A small or micro member controls, or is managed by, another member"),
        required=False,
        help_text=_("A direct holding or management relationship: no consortium price "
                    "deduction (财库〔2020〕46号 第9条)."))

    field_order = ["price", "price_words", "brand", "model", "sme_scale", "sme_items_by_smes",
                   "consortium", "consortium_control", "contact_name", "contact_phone",
                   "files"]
    MAKER_SCALES = [("", "—"), ("large", _("Large enterprise")),
                    ("medium", _("Medium enterprise")), ("small", _("Small enterprise")),
                    ("micro", _("Micro enterprise"))]
    SCALES = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro",
              "large": "large", "medium": "medium", "small": "small", "micro": "micro"}

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"unit_price_{item.pk}"] = forms.DecimalField(
                label=_("Unit price: %(item)s (× %(quantity)s %(unit)s)") % {
                    "item": item.name, "quantity": f"{item.quantity.normalize():f}",
                    "unit": item.unit},
                max_digits=16, decimal_places=2, min_value=0, required=False,
                help_text=_("Optional itemised price; the total of quantity × unit price "
                            "is checked against your price at evaluation."))
            self.fields[f"unit_price_{item.pk}"].widget.attrs["class"] = "form-control"
        # The 中小企业声明函 lists each item with its maker and the maker's scale.
        for item in self.items:
            self.fields[f"maker_{item.pk}"] = forms.CharField(
                label=_("Maker of %(item)s (manufacturer, builder or provider)") % {
                    "item": item.name}, max_length=200, required=False)
            self.fields[f"maker_scale_{item.pk}"] = forms.ChoiceField(
                label=_("Scale of that maker"), choices=self.MAKER_SCALES, required=False)
            self.fields[f"maker_{item.pk}"].widget.attrs["class"] = "form-control"
            self.fields[f"maker_scale_{item.pk}"].widget.attrs["class"] = "form-select"
        # The itemised prices belong with the price, before the declarations and files.
        names = [f"unit_price_{item.pk}" for item in self.items]
        makers = [f"{kind}_{item.pk}" for item in self.items
                  for kind in ("maker", "maker_scale")]
        order = list(self.field_order)
        self.order_fields(order[:2] + names + order[2:5] + makers + order[5:])

    def clean(self):
        cleaned = super().clean()
        given = [bool(cleaned.get(f"maker_{i.pk}")) or bool(cleaned.get(f"maker_scale_{i.pk}"))
                 for i in self.items]
        if any(given):
            for item in self.items:
                if not cleaned.get(f"maker_{item.pk}") or \
                        not cleaned.get(f"maker_scale_{item.pk}"):
                    self.add_error(f"maker_{item.pk}", _(
                        "The SME declaration lists every item: give its maker and the "
                        "maker's scale."))
        return cleaned

    def sme_items(self) -> list[dict]:
        """The SME declaration's rows (item id, maker, maker's scale), as the API takes
        them; none when the bidder left them all empty."""
        rows = [{"item": item.pk, "maker": self.cleaned_data.get(f"maker_{item.pk}", ""),
                 "maker_scale": self.cleaned_data.get(f"maker_scale_{item.pk}", "")}
                for item in self.items]
        return rows if any(r["maker"] for r in rows) else []

    def clean_consortium(self):
        members = []
        for n, line in enumerate(self.cleaned_data["consortium"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) != 3 or parts[1] not in self.SCALES:
                raise forms.ValidationError(
                    _("Line %(n)s: write name | scale | share, e.g. 某某公司 | 小型 | 35."),
                    params={"n": n})
            members.append({"name": parts[0], "scale": self.SCALES[parts[1]],
                            "share": parts[2].rstrip("%％")})
        return members

    def unit_prices(self) -> dict:
        """The itemised unit prices given, by item id (``selectors.priced_lines`` makes the
        service's lines of them, as for the API)."""
        return {item.pk: self.cleaned_data.get(f"unit_price_{item.pk}") for item in self.items}


# --- evaluation: the organiser's and the committee's forms ------------------------------
# The evaluation page draws these inputs itself (a row per bid); the forms check them.

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value) -> bool:
    return value == "yes"


class ReviewForm(forms.Form):
    """A review of one bid; its stage is in the address (qualification or compliance)."""

    passed = forms.TypedChoiceField(choices=YES_NO, coerce=_yes)
    reason = forms.CharField(required=False)


class ScoreForm(forms.Form):
    """A committee member's points for one bid: one field ``c<factor id>`` per factor
    scored besides price."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=criterion.name, max_digits=6, decimal_places=2,
                error_messages={"required": _("Enter every score as a number."),
                                "invalid": _("Enter every score as a number.")})

    def points(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class ExplanationForm(forms.Form):
    question = forms.CharField(required=False)


class QueryDecideForm(forms.Form):
    accepted = forms.TypedChoiceField(choices=YES_NO, coerce=_yes)
    reason = forms.CharField(required=False)


class AwardRevokeForm(BootstrapFormMixin, forms.Form):
    """Revoke an award after an upheld challenge (``services.award_revoke``): shape only."""

    THEN = [("next", _("Confirm the next qualified candidate")),
            ("retender", _("Procure the lot again"))]

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
    basis = forms.CharField(label=_("Basis"), max_length=200,
                            help_text=_("The challenge answered and the rule, e.g. "
                                        "质疑答复 and 94号令 第16条."))
    then = forms.ChoiceField(label=_("Then"), choices=THEN, initial="next")


class QueryAnswerForm(forms.Form):
    """The bidder's answer: confirm a corrected price (yes/no), or explain a price."""

    confirm = forms.TypedChoiceField(choices=[("", ""), *YES_NO], coerce=_yes,
                                     empty_value=None, required=False)
    answer = forms.CharField(required=False)


# --- 邀请招标: qualification notice, applications, review, draw (services.invitations) ---

class QualificationNoticeForm(BootstrapFormMixin, forms.Form):
    apply_until = forms.DateTimeField(
        label=_("Applications until"), validators=[validate_plausible_date],
        help_text=_("At least 5 working days after publication (87号令 第14、16条)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    draw_count = forms.IntegerField(
        label=_("Suppliers to be drawn"), min_value=1, max_value=50, initial=3,
        help_text=_("At least 3, drawn at random from the qualified (法 第34条)."))


class QualificationApplyForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(
        label=_("Qualification documents"),
        help_text=_("Business licence, the documents the conditions ask for: PDF, Word, Excel, "
                    "ZIP, PNG or JPEG, checked by content."))
    declaration = forms.BooleanField(
        label=_("I declare that the documents are true and that we meet the conditions of "
                "法 第22条"), required=False)


class QualificationReviewForm(forms.Form):
    qualified = forms.TypedChoiceField(choices=YES_NO, coerce=_yes)
    reason = forms.CharField(required=False, max_length=500)


class InvitationDrawForm(BootstrapFormMixin, forms.Form):
    count = forms.IntegerField(label=_("Number to draw"), min_value=1, max_value=50,
                               help_text=_("At least 3 (法 第34条)."))


# --- negotiation and consultation in rounds (services.rounds) -------------------------

class SessionForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(label=_("Negotiation notes"),
                            widget=forms.Textarea(attrs={"rows": 2}))


class DocumentChangeForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Written change to the documents"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent in writing to every supplier still in the negotiation "
                    "(74号令 第32条)."))


class ExcludeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the exclusion"))


class FinalCallForm(BootstrapFormMixin, forms.Form):
    deadline = forms.DateTimeField(
        label=_("Final quotations due"), validators=[validate_plausible_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class FinalQuoteForm(BootstrapFormMixin, forms.Form):
    price = forms.DecimalField(label=_("Final quotation (yuan)"), max_digits=16,
                               decimal_places=2, min_value=POSITIVE)


# --- the finance bureau's approval of a method; single source --------------------------

class MethodDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve the method")),
                                          ("refuse", _("Refuse, with the reason"))])
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required for a refusal: the purchaser reads it."))


class MethodAttachmentForm(BootstrapFormMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("What the file is"),
                                choices=MethodAttachment.Purpose.choices)
    upload = forms.FileField(label=_("File (PDF or image)"))


class ObjectionForm(BootstrapFormMixin, forms.Form):
    reasons = forms.CharField(label=_("Your objection and its reasons"),
                              widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment (PDF or image, optional)"),
                                 required=False)


class ObjectionDecideForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[(Objection.Status.DISMISSED, _("Dismiss")),
                                          (Objection.Status.UPHELD,
                                           _("Uphold: the single source stops"))])
    reason = forms.CharField(label=_("Written decision"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class NegotiationForm(BootstrapFormMixin, forms.Form):
    points = forms.CharField(label=_("Points negotiated"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("Costs, prices of similar contracts, patents, the "
                                        "main terms of the contract and the price agreed."))
    agreed_price = forms.DecimalField(label=_("Agreed price (yuan)"), max_digits=16,
                                      decimal_places=2, min_value=POSITIVE)


class SignForm(BootstrapFormMixin, forms.Form):
    dissent = forms.CharField(label=_("Dissenting opinion (optional)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("A member who disagrees signs with the reasons."))

