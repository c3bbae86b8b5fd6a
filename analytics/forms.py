"""The analysis pages' common filters (DOMAIN §10): as of a day, one owner, one region."""

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import SegmentChoice
from crm.forms import DATE_WIDGET, StyledFormMixin
from crm.validators import plausible_date


class AnalysisFilterForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_WIDGET, validators=[plausible_date])
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = [(user.username, user.get_full_name() or user.username) for user in owners]
        self.fields["owner"].choices = [("", _("All")), *people]
        if not owners:
            del self.fields["owner"]  # a sales rep's analysis is of own customers anyway


class SegmentFilterForm(AnalysisFilterForm):
    """The segmentation page (DOMAIN §10.5): as of the latest nightly run, so no day; a segment and a cluster."""

    segment = forms.ChoiceField(label=_("Segment"), required=False)
    cluster = forms.TypedChoiceField(label=_("Cluster"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["as_of"]
        self.fields["segment"].choices = [("", _("All")), *SegmentChoice.choices]
        self.fields["cluster"].choices = [("", _("All")), *((str(number), label) for number, label in clusters)]
