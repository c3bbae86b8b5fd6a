"""Browser forms of the archive (DOMAIN §9); they validate input and hand clean values to archives.services."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.messages import STATUS_LABELS
from archives.models import REGISTER_FIELDS, ArchiveDocument
from crm.forms import DATE_WIDGET, StyledFormMixin
from crm.models import AccessLog
from crm.uploads import CheckedFileField

MIN_YEAR, MAX_YEAR = 2000, 2999  # access-log filters: real dates only (9999-12 has no following month)
SCAN_HELP = _("PDF, PNG, JPEG or TIFF.")


class ArchiveDocumentForm(StyledFormMixin, forms.ModelForm):
    """Register or correct an original: type, title, source, dates, storage place, view-only flag."""

    scan = CheckedFileField(label=_("Electronic copy"), required=False, help_text=SCAN_HELP)

    class Meta:
        model = ArchiveDocument
        fields = REGISTER_FIELDS
        widgets = {"issued_on": DATE_WIDGET, "expires_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, with_scan: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_scan:
            del self.fields["scan"]

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date cannot be before the issue date."))
        if issued and issued > timezone.localdate():
            self.add_error("issued_on", _("The issue date cannot be in the future."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ScanForm(StyledFormMixin, forms.Form):
    scan = CheckedFileField(label=_("Electronic copy"), help_text=SCAN_HELP)


class BorrowingRequestForm(StyledFormMixin, forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    due_on = forms.DateField(label=_("Return by"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + timedelta(days=min(7, settings.CRM_BORROWING_MAX_DAYS))


class BorrowingDecisionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Return by"), widget=DATE_WIDGET, required=False)


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DownloadForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Purpose of access"), max_length=200, help_text=_("Recorded in the access log with your name.")
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 3:
            raise forms.ValidationError(_("Say briefly why you need the copy."))
        return reason


class RegisterFilterForm(StyledFormMixin, forms.Form):
    search = forms.CharField(label=_("Search"), required=False)
    doc_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *ArchiveDocument.Type.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *STATUS_LABELS.items(), ("expiring", _("Expiring soon"))],
    )


class AccessLogFilterForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=None, required=False, empty_label=_("Everyone"))
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=20)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Every action")), *AccessLog.Action.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Every channel")), *AccessLog.Channel.choices]
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def clean(self):
        data = super().clean()
        for name in ("month", "since", "until"):
            if data.get(name) and not (MIN_YEAR <= data[name].year <= MAX_YEAR):
                self.add_error(
                    name, _("Enter a date between %(low)s and %(high)s.") % {"low": MIN_YEAR, "high": MAX_YEAR}
                )
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date cannot be before the start date."))
        return data


class HandoverForm(StyledFormMixin, forms.Form):
    """Handover 移交: all or some customers of one rep to another owner, with the reason (DOMAIN §9)."""

    SCOPE_ALL, SCOPE_SOME = "all", "some"

    from_owner = forms.ModelChoiceField(label=_("From"), queryset=None)
    to_owner = forms.ModelChoiceField(label=_("To"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    scope = forms.ChoiceField(
        label=_("Customers"),
        choices=[(SCOPE_ALL, _("All their customers")), (SCOPE_SOME, _("Only the customers ticked below"))],
        widget=forms.RadioSelect,
        initial=SCOPE_ALL,
    )
    customers = forms.MultipleChoiceField(label=_("Customers"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, owners, candidates, customer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_owner"].queryset = owners
        self.fields["to_owner"].queryset = candidates
        self.fields["customers"].choices = list(customer_choices)

    def clean(self):
        data = super().clean()
        if data.get("from_owner") and data.get("from_owner") == data.get("to_owner"):
            self.add_error("to_owner", _("Choose another owner than the one handing over."))
        if data.get("scope") == self.SCOPE_SOME and not data.get("customers"):
            self.add_error("customers", _("Tick at least one customer, or hand over all of them."))
        return data

    def customer_ids(self) -> list[int] | None:
        if self.cleaned_data["scope"] == self.SCOPE_ALL:
            return None
        return [int(pk) for pk in self.cleaned_data["customers"]]
