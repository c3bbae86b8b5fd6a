"""The words of the dossier's classifications (DOMAIN §2.1): codes and translated labels.

The credit engine derives them with its profile (``credit.rules.classification``, which has the same codes) and
stores them on the credit profile; the dossier, the customer list, its filters and the API read them from there.
A customer the engine has not seen yet (created since the last run, no order, no pin, no opportunity recorded)
is what ``UNCLASSIFIED`` says: the lists and filters treat the missing profile so.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Interaction


class TimeClass(models.TextChoices):
    FUTURE = "future", _("Future customer (no order yet)")
    NEW = "new", _("Newly acquired customer")
    OLD = "old", _("Long-standing customer")


class ProcessClass(models.TextChoices):
    CURRENT = "current", _("In business now")
    LAPSING = "lapsing", _("Lapsing (no recent order)")
    PAST = "past", _("Past customer")
    UPCOMING = "upcoming", _("Upcoming (an opportunity is open)")
    NONE = "none", _("No business yet")


class VolumeClass(models.TextChoices):
    KEY = "key", _("Key customer")
    GENERAL = "general", _("General customer")
    SCATTERED = "scattered", _("Scattered customer")


class CorePinState(models.TextChoices):
    AUTOMATIC = "auto", _("Automatic (by the rule)")
    CORE = "core", _("Pinned core")
    ORDINARY = "ordinary", _("Pinned ordinary")


OPPORTUNITY_KINDS = (Interaction.Kind.TECHNICAL_REQUIREMENT, Interaction.Kind.PROMOTION_RESPONSE)
"""Interactions that open an opportunity (DOMAIN §2.1 upcoming): the customer said what it needs, or answered an
offer. Recording one derives the classes again (``customers.services.interaction_record``)."""

UNCLASSIFIED = {
    "time_class": TimeClass.FUTURE.value,
    "process_class": ProcessClass.NONE.value,
    "volume_class": VolumeClass.SCATTERED.value,
    "is_core": False,
    "core_pinned": False,
}
"""The classes of a customer without a credit profile yet: no order, no opportunity, not core, not pinned."""


@dataclass(frozen=True, slots=True)
class Classes:
    """A customer's classifications as stored on its credit profile, with their labels."""

    time_class: str
    process_class: str
    volume_class: str
    is_core: bool
    core_pinned: bool

    @classmethod
    def of(cls, customer: models.Model) -> "Classes":
        """The classes of a customer whose ``credit_profile`` is joined or prefetched (or absent)."""
        profile = getattr(customer, "credit_profile", None)
        if profile is None:
            return cls(**UNCLASSIFIED)
        return cls(**{name: getattr(profile, name) for name in UNCLASSIFIED})

    @property
    def time_label(self) -> str:
        return str(TimeClass(self.time_class).label)

    @property
    def process_label(self) -> str:
        return str(ProcessClass(self.process_class).label)

    @property
    def volume_label(self) -> str:
        return str(VolumeClass(self.volume_class).label)
