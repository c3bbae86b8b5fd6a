"""Pure rules of the archives (DOMAIN §9): no Django, no I/O, no clock."""
