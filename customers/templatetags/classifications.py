"""The classes of DOMAIN §2.1 in words, for a customer's list row or dossier header."""

from django import template

from customers.classifications import Classes

register = template.Library()


@register.inclusion_tag("customers/classes.html")
def customer_classes(customer, *, detail: bool = False) -> dict:
    """By time, by transaction process, by volume and core; ``detail`` also says whether core is pinned."""
    return {"classes": Classes.of(customer), "detail": detail}
