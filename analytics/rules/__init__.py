"""Pure rules of the analysis (DOMAIN §10): no Django, no I/O, no clock."""
