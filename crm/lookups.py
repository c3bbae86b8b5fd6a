"""``ilike``: case-insensitive substring match that PostgreSQL's trigram index on the plain column serves.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%s)``, which needs an index on the
expression; ``col ILIKE %s`` uses the same gin_trgm_ops index as ``LIKE``. Other databases fall
back to ``icontains``.
"""

from django.db import NotSupportedError
from django.db.models import CharField, IntegerField, Lookup, TextField
from django.db.models.lookups import IContains


class ILike(IContains):
    lookup_name = "ilike"

    def get_rhs_op(self, connection, rhs: str) -> str:
        if connection.vendor == "postgresql":
            return f"ILIKE {rhs}"
        return connection.operators["icontains"] % rhs


CharField.register_lookup(ILike)
TextField.register_lookup(ILike)


class _PostgresOnly(Lookup):
    """A lookup only PostgreSQL answers: ``template`` with the column and the value; callers ask the vendor first."""

    template = ""
    needs = ""

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotSupportedError(f"{self.lookup_name} needs {self.needs}")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return self.template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]


class TrigramSimilar(_PostgresOnly):
    """``col %% value`` on PostgreSQL (pg_trgm: similarity above ``pg_trgm.similarity_threshold``, 0.3 by default),
    served by a gin_trgm_ops index on the column. Only PostgreSQL has it: callers ask the vendor first."""

    lookup_name = "trigram_similar"
    template = "{lhs} %% {rhs}"
    needs = "PostgreSQL's pg_trgm"


CharField.register_lookup(TrigramSimilar)


class HasBigram(_PostgresOnly):
    """``crm_bigrams(col) @> ARRAY[lower(value)]`` on PostgreSQL: the column holds the two characters ``value`` (any
    case), served by a GIN index on ``crm_bigrams(col)`` (customers migration 0013). A two-character search (王伟)
    has no trigram for pg_trgm to look up; with this beside its LIKE, it reads the index instead of every row. Only
    PostgreSQL has the function: callers ask the vendor first."""

    lookup_name = "has_bigram"
    template = "crm_bigrams({lhs}) @> ARRAY[lower({rhs})]"
    needs = "the crm_bigrams function of PostgreSQL"


CharField.register_lookup(HasBigram)


class InArray(Lookup):
    """``col = ANY(ARRAY(subquery))`` on PostgreSQL, ``col IN (subquery)`` elsewhere.

    PostgreSQL runs the subquery once, before the statement (an InitPlan), and reads the ids it gives by the index
    of ``col``, so the condition can join others on the same table in one bitmap (``name LIKE … OR id = ANY(…)``
    reads the trigram and the primary-key index side by side) or filter rows an index walk meets in order. ``col IN
    (subquery)`` is a join or a hashed filter instead, which rules both out: with a word many rows match, the planner
    had to gather every match to sort them (4 s for "golden flow" at 1M customers)."""

    lookup_name = "in_array"

    def get_prep_lookup(self):
        return self.rhs  # a query

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


IntegerField.register_lookup(InArray)  # AutoField and BigAutoField too: the ids
