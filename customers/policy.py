"""The credit policy's numbers a dossier's review state needs (DOMAIN §7), read without importing credit, which
sits above customers: the credit app names where the current numbers come from when it starts
(``credit/apps.py``), and every entry point of customers asks here."""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from customers.rules.review import ReviewPolicy

ReviewPolicySource = Callable[[], ReviewPolicy]
_sources: list[ReviewPolicySource] = []


def review_policy_source_set(source: ReviewPolicySource) -> None:
    """Name the one function that returns the current review policy (intervals, horizons, report validity)."""
    _sources[:] = [source]


def review_policy() -> ReviewPolicy:
    """The current review intervals, reminder horizons and credit-report validity (DOMAIN §7), as the credit policy
    says."""
    if not _sources:
        raise ImproperlyConfigured("No source of the review policy: is the credit app in INSTALLED_APPS?")
    return _sources[0]()
