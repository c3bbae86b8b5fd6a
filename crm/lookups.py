"""``ilike``: case-insensitive substring match that PostgreSQL's trigram index on the plain column serves.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%s)``, which needs an index on the
expression; ``col ILIKE %s`` uses the same gin_trgm_ops index as ``LIKE``. Other databases fall
back to ``icontains``.
"""

from django.db.models import CharField, TextField
from django.db.models.lookups import IContains


class ILike(IContains):
    lookup_name = "ilike"

    def get_rhs_op(self, connection, rhs: str) -> str:
        if connection.vendor == "postgresql":
            return f"ILIKE {rhs}"
        return connection.operators["icontains"] % rhs


CharField.register_lookup(ILike)
TextField.register_lookup(ILike)
