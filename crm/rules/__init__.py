"""Pure rules of the shared pieces: no Django, no I/O."""
