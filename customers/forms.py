"""Browser forms of the dossier. They validate and hand clean values to customers.services."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.forms import DATE_WIDGET, QuickSelect, StyledFormMixin
from crm.uploads import CheckedFileField
from crm.validators import plausible_date
from customers.classifications import ProcessClass, TimeClass, VolumeClass
from customers.models import (
    Contact,
    CreditDocument,
    Customer,
    FinancialMetric,
    InformationSource,
    Interaction,
    Section,
)
from customers.rules.interactions import promotion_fields_missing
from customers.sections import CONTACT_FIELDS, CUSTOMER_FIELDS_BY_KIND, SECTION_FIELDS, SECTION_MODELS
from customers.selectors import COMPLETENESS_BANDS, ORDERINGS
from customers.services import FigureInput, VersionConflict
from customers.validators import validate_uscc


def _date_widgets(model, fields) -> dict:
    return {name: DATE_WIDGET for name in fields if isinstance(model._meta.get_field(name), models.DateField)}


DUE_LABELS = {  # the dashboards' work lists (customers.selectors.DUE_KINDS)
    "review": _("Review due soon or stale"),
    "assessment": _("Assessment due"),
    "credit_report": _("Credit reports expiring"),
    "limit": _("Limit expiring"),
    "limit_renewal": _("Limit expiring, no new request yet"),
    "complaint": _("Complaint waiting for service"),
}


class CustomerFilterForm(StyledFormMixin, forms.Form):
    """The customer list's search, filters and sorting."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(widget=QuickSelect, label=_("Kind"), required=False)
    nature = forms.ChoiceField(widget=QuickSelect, label=_("Nature"), required=False)
    size = forms.ChoiceField(widget=QuickSelect, label=_("Size"), required=False)
    owner = forms.ChoiceField(widget=QuickSelect, label=_("Owner"), required=False)
    completeness = forms.ChoiceField(widget=QuickSelect, label=_("Completeness"), required=False)
    stale = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Review"),
        required=False,
        choices=[("", _("All")), ("1", _("Stale")), ("0", _("Up to date"))],
    )
    time_class = forms.ChoiceField(widget=QuickSelect, label=_("By time"), required=False)  # the classes of DOMAIN §2.1
    process_class = forms.ChoiceField(widget=QuickSelect, label=_("By transaction"), required=False)
    volume_class = forms.ChoiceField(widget=QuickSelect, label=_("By volume"), required=False)
    is_core = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Core"),
        required=False,
        choices=[("", _("All")), ("1", _("Core")), ("0", _("Ordinary"))],
    )
    ordering = forms.ChoiceField(widget=QuickSelect, label=_("Sort by"), required=False)
    # Filters an analysis drill-down sets (DOMAIN §10): shown as removable chips above the list, not as inputs.
    tier = forms.CharField(label=_("Tier"), required=False, max_length=1)
    payment_grade = forms.CharField(label=_("Payment grade"), required=False, max_length=10)
    risk_class = forms.CharField(label=_("Risk class"), required=False, max_length=12)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=100)
    due = forms.ChoiceField(
        widget=QuickSelect, label=_("Work list"), required=False, choices=[("", ""), *DUE_LABELS.items()]
    )
    DRILL_FIELDS = ("tier", "payment_grade", "risk_class", "region", "industry", "due")

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        self.fields["kind"].choices = any_ + list(Customer._meta.get_field("kind").choices)
        self.fields["nature"].choices = any_ + list(Customer._meta.get_field("nature").choices)
        self.fields["size"].choices = any_ + list(Customer._meta.get_field("size").choices)
        for name, choices in (
            ("time_class", TimeClass),
            ("process_class", ProcessClass),
            ("volume_class", VolumeClass),
        ):
            self.fields[name].choices = any_ + list(choices.choices)
        self.fields["owner"].choices = any_ + [(u.username, u.get_full_name() or u.username) for u in owners]
        bands = {
            "lt100": _("Incomplete"),
            "lt50": _("Below 50%"),
            "50-79": "50–79%",
            "80-99": "80–99%",
            "100": _("Complete"),
        }
        self.fields["completeness"].choices = any_ + [(k, bands[k]) for k in COMPLETENESS_BANDS]
        labels = {
            "name": _("Name A–Z"),
            "-name": _("Name Z–A"),
            "code": _("Code"),
            "-code": _("Code, newest first"),
            "completeness": _("Least complete first"),
            "-completeness": _("Most complete first"),
            "-updated": _("Recently updated"),
            "updated": _("Least recently updated"),
            "review": _("Review due first"),
        }
        self.fields["ordering"].choices = [(k, labels[k]) for k in ORDERINGS]

    @property
    def filter_count(self) -> int:
        """How many of the folding filters (all but the search, the sorting and the drill-downs) are set."""
        data = self.data if self.is_bound else {}
        skip = {"q", "ordering", *self.DRILL_FIELDS}
        return sum(1 for name in self.fields if name not in skip and data.get(name))

    def drill_filters(self) -> list[tuple[str, str, str]]:
        """The drill-down filters in force: (field, label, value) for the chips above the list."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return [
            (name, self.fields[name].label, dict(getattr(self.fields[name], "choices", ())).get(data[name], data[name]))
            for name in self.DRILL_FIELDS
            if data.get(name)
        ]


class CustomerCreateForm(StyledFormMixin, forms.ModelForm):
    """Open a new dossier: identity and classification; the sections are filled afterwards."""

    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS_BY_KIND["intermediate"]

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].help_text = _("Leave empty to own it yourself.")
            self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def _get_validation_exclusions(self) -> set[str]:
        """Uniqueness of the credit code is the write path's question: its answer does not reveal a dossier the user
        may not see (issue 16), which the model's constraint check on the form would ("Another customer…")."""
        return super()._get_validation_exclusions() | {"unified_social_credit_code"}

    def clean_unified_social_credit_code(self) -> str:
        value = self.cleaned_data["unified_social_credit_code"].strip().upper()
        if value:
            validate_uscc(value)  # the model's own check, which the exclusion below skips at model level
        return value


class CustomerIdentityForm(CustomerCreateForm):
    """The customer-level half of the basic section 客户基础资料 (name, codes, phone, address…)."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, owners=None, **kwargs)
        for name in list(self.fields):
            if name not in CUSTOMER_FIELDS_BY_KIND[kind]:
                del self.fields[name]


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


def section_form_class(section: str, kind: str) -> type[forms.ModelForm]:
    """A ModelForm for one section of a dossier of the given kind (fields from customers.sections)."""
    model = SECTION_MODELS[section]
    fields = SECTION_FIELDS[section][kind]
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": fields, "widgets": _date_widgets(model, fields), "formfield_callback": _formfield},
    )
    return type(f"{model.__name__}Form", (StyledFormMixin, forms.ModelForm), {"Meta": meta})


class FinancialFiguresForm(StyledFormMixin, forms.Form):
    """The dated financial figures of the operating status, with one information source (DOMAIN §2, §2.2)."""

    source = forms.ChoiceField(
        label=_("Information source of the figures"), choices=InformationSource.choices, initial="customer"
    )

    def __init__(self, *args, latest: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        latest = latest or {}
        for metric, label in FinancialMetric.choices:
            figure = latest.get(metric)
            places = 0 if metric == FinancialMetric.EMPLOYEES else 2
            self.fields[metric] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=18,
                decimal_places=places,
                initial=figure.value if figure else None,
                validators=[MinValueValidator(0)] if metric != FinancialMetric.NET_PROFIT else [],
            )
            self.fields[f"{metric}_as_of"] = forms.DateField(
                label=_("as of"),
                required=False,
                widget=DATE_WIDGET,
                initial=figure.as_of if figure else None,
                validators=[plausible_date],
            )
        self.apply_styles()

    def rows(self):
        """(value field, date field) pairs for the template."""
        return [(self[metric], self[f"{metric}_as_of"]) for metric in FinancialMetric.values]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for metric in FinancialMetric.values:
            value, as_of = data.get(metric), data.get(f"{metric}_as_of")
            if value is not None and as_of is None:
                self.add_error(f"{metric}_as_of", _("Give the date this figure refers to."))
            if value is None and as_of is not None:
                self.add_error(metric, _("Give the figure for this date, or clear the date."))
            if as_of is not None and as_of > today:
                self.add_error(f"{metric}_as_of", _("The date cannot be in the future."))
        return data

    def figures(self) -> list[FigureInput]:
        data = self.cleaned_data
        return [
            FigureInput(metric=m, value=Decimal(data[m]), as_of=data[f"{m}_as_of"])
            for m in FinancialMetric.values
            if data.get(m) is not None and data.get(f"{m}_as_of") is not None
        ]


class DossierVersionForm(forms.Form):
    """The dossier version an edit form was loaded with, carried as a hidden field (the browser's If-Match, API.md):
    the service refuses a save against a newer version, so a form loaded before an API PATCH cannot revert it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, data=None, *, customer: Customer):
        super().__init__(data, initial={"version": customer.version}, prefix="dossier")

    def expected_version(self) -> int:
        """The version the form was loaded with; a form that lost it cannot prove it is current."""
        if not self.is_valid():
            raise VersionConflict("The form carries no dossier version.")
        return self.cleaned_data["version"]


class ContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "birthday": DATE_WIDGET,
            "preferences": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_birthday(self) -> date | None:
        birthday = self.cleaned_data["birthday"]
        if birthday and birthday > timezone.localdate():
            raise forms.ValidationError(_("A birthday cannot be in the future."))
        return birthday


class InteractionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ("kind", "occurred_on", "subject", "details", "promotion", "response", "cost")
        widgets = {"occurred_on": DATE_WIDGET, "details": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "promotion": _("For a promotion response: the promotion's name."),
            "cost": _("For a promotion response: what the promotion cost for this customer."),
        }

    def __init__(self, *args, allowed_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = [c for c in Interaction.Kind.choices if c[0] in allowed_kinds]
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_occurred_on(self) -> date:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise forms.ValidationError(_("An interaction cannot be dated in the future."))
        return occurred_on

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in promotion_fields_missing(cleaned.get("kind", ""), cleaned):
            self.add_error(name, _("A promotion response needs its promotion, response and cost."))
        return cleaned


class CreditDocumentForm(StyledFormMixin, forms.ModelForm):
    """A credit report, bank certificate, litigation or tax record, with its source (DOMAIN §2, §2.2)."""

    class Meta:
        model = CreditDocument
        fields = ("doc_type", "title", "source", "obtained_on", "issued_on", "valid_until", "summary", "file")
        widgets = {
            "obtained_on": DATE_WIDGET,
            "issued_on": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"file": CheckedFileField}
        help_texts = {"file": _("PDF, PNG, JPEG or TIFF.")}

    def clean(self):
        data = super().clean()
        issued, valid_until, obtained = data.get("issued_on"), data.get("valid_until"), data.get("obtained_on")
        if issued and valid_until and valid_until < issued:
            self.add_error("valid_until", _("The validity cannot end before the issue date."))
        if obtained and obtained > timezone.localdate():
            self.add_error("obtained_on", _("The date obtained cannot be in the future."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewForm(StyledFormMixin, forms.Form):
    """Mark a dossier reviewed 全面修订核查: which sections were confirmed, with notes (DOMAIN §7)."""

    sections = forms.MultipleChoiceField(
        label=_("Sections confirmed"),
        choices=[(s, Section(s).label) for s in (*SECTION_MODELS, Section.CREDIT_DATA, Section.CONTACTS)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Confirm at least one section.")},
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(StyledFormMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=None)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class MergeForm(forms.Form):
    """One choice per field on which the two dossiers differ (DOMAIN §2.3): keep the survivor's value or take the
    duplicate's. ``fields``: (name, label, survivor's value, duplicate's value)."""

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(fields)
        for name, label, mine, theirs in self.rows:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[("survivor", mine if mine not in (None, "") else "—"), ("duplicate", theirs)],
                initial="survivor",
                required=False,  # unchosen: the survivor keeps its value
                widget=forms.RadioSelect,
            )

    def keep(self) -> dict[str, str]:
        return {name: side for name, side in self.cleaned_data.items() if side == "duplicate"}
