"""``ilike``: case-insensitive substring match that PostgreSQL's trigram index on the plain column serves.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%s)``, which needs an index on the
expression; ``col ILIKE %s`` uses the same gin_trgm_ops index as ``LIKE``. Other databases fall
back to ``icontains``.
"""

from django.db import NotSupportedError
from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains


class ILike(IContains):
    lookup_name = "ilike"

    def get_rhs_op(self, connection, rhs: str) -> str:
        if connection.vendor == "postgresql":
            return f"ILIKE {rhs}"
        return connection.operators["icontains"] % rhs


CharField.register_lookup(ILike)
TextField.register_lookup(ILike)


class TrigramSimilar(Lookup):
    """``col %% value`` on PostgreSQL (pg_trgm: similarity above ``pg_trgm.similarity_threshold``, 0.3 by default),
    served by a gin_trgm_ops index on the column. Only PostgreSQL has it: callers ask the vendor first."""

    lookup_name = "trigram_similar"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotSupportedError("trigram_similar needs PostgreSQL's pg_trgm")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", [*lhs_params, *rhs_params]


CharField.register_lookup(TrigramSimilar)
