"""Browser forms of the credit engine; they validate and hand clean values to credit.services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import POLICY_FIELDS, CreditPolicyVersion, PaymentGrade, ScoringModel
from credit.rules.scoring import FIVE_C
from crm.forms import StyledFormMixin
from crm.validators import plausible_date
from customers.classifications import CorePinState

FIVE_C_LABELS = {
    "character": _("Character"),
    "capacity": _("Capacity"),
    "capital": _("Capital"),
    "collateral": _("Collateral"),
    "conditions": _("Conditions"),
}


RATING_ERRORS = {
    "min_value": _("Rate from 0 to 10."),
    "max_value": _("Rate from 0 to 10."),
    "invalid": _("Rate from 0 to 10."),
}


class AssessmentForm(StyledFormMixin, forms.Form):
    """Ratings 0–10 per 5C dimension or per indicator of a feature-analysis model (DOMAIN §5)."""

    notes = forms.CharField(label=_("Notes and evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, method: str, model: ScoringModel | None = None, suggested: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.method, self.model = method, model
        suggested = suggested or {}
        if method == "5c":
            items = [(key, str(FIVE_C_LABELS[key]), 1, "") for key in FIVE_C]
        else:
            items = [(i.key, i.label_text, i.weight, i.group_text) for i in model.indicators.all()]
        self.rating_keys = []
        for key, label, weight, group in items:
            field = forms.IntegerField(
                label=label, min_value=0, max_value=10, initial=suggested.get(key), error_messages=RATING_ERRORS
            )
            field.widget.attrs.update(
                {"data-weight": weight, "class": "form-control rating-input", "min": 0, "max": 10}
            )
            field.widget.attrs["aria-describedby"] = f"id_rating_{key}-range"
            field.group, field.weight = group, weight
            self.fields[f"rating_{key}"] = field
            self.rating_keys.append(key)
        self.fields["notes"] = self.fields.pop("notes")

    def ratings(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"rating_{key}"] for key in self.rating_keys}

    def rating_fields(self):
        return [self[f"rating_{key}"] for key in self.rating_keys]


class LimitRequestForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Requested limit"), min_value=Decimal(0), max_digits=16, decimal_places=2)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class LimitDecisionForm(StyledFormMixin, forms.Form):
    approved_amount = forms.DecimalField(
        label=_("Approved amount"),
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to approve the requested amount."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OrderDecisionForm(StyledFormMixin, forms.Form):
    """Release or reject a held order, with the note that explains it; a rejection needs one (DOMAIN §6.4)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = action == "reject"
        self.fields["note"].help_text = (
            _("Required: the sales rep and the customer will ask why.")
            if action == "reject"
            else _("Optional: why the order may ship despite the credit check.")
        )


class CorePinForm(StyledFormMixin, forms.Form):
    """A credit manager pins core or ordinary, or hands it back to the rule (DOMAIN §2.1)."""

    state = forms.ChoiceField(label=_("Core customer"), choices=CorePinState.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why."))
        return reason


class GradeOverrideForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=PaymentGrade.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}), validators=[plausible_date]
    )

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The override must not have expired already."))
        return value


class CreditPolicyForm(StyledFormMixin, forms.ModelForm):
    """The credit policy's numbers; saving makes a new version (the old ones are its history)."""

    note = forms.CharField(label=_("Why it changes"), max_length=300)

    class Meta:
        model = CreditPolicyVersion
        fields = POLICY_FIELDS
