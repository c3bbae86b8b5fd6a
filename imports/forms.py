"""Browser forms of imports (DOMAIN §2.3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import SavedMapping, Target


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    target = forms.ChoiceField(label=_("Records"), choices=Target.choices, initial=Target.CUSTOMERS)
    saved_mapping = forms.ModelChoiceField(
        label=_("Saved mapping"), queryset=SavedMapping.objects.none(), required=False, empty_label=_("automatic")
    )

    def __init__(self, *args, mappings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_mapping"].queryset = mappings if mappings is not None else SavedMapping.objects.none()
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,.xlsm"


class MappingForm(forms.Form):
    """One select per column of the file: the field it feeds, or nothing."""

    def __init__(self, *args, headers: list[str], choices: list[tuple[str, str]], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        options = [("", _("— leave out —")), *choices]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=options, required=False, initial=mapping.get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[f"column_{i}"] for i, header in enumerate(self.headers)}


class SaveMappingForm(forms.Form):
    name = forms.CharField(
        label=_("Source name"), max_length=100, help_text=_("e.g. “ERP export” or “Wang Lei's list”")
    )


class ConfirmForm(forms.Form):
    create_duplicates = forms.BooleanField(label=_("Also create the suspected duplicates"), required=False)
