"""Nightly jobs split into ranges of ids that a Celery chord spreads over every worker (issue 15 §3).

A job's task computes its ranges and, when it runs on a worker with a result backend (a chord counts its parts
there: Redis, ``CELERY_RESULT_BACKEND``), replaces itself by a chord of one task per range and a callback that
finishes the job; the callback's result becomes the job's, so whoever waits for the job waits for every part.
Called in-process (``daily_jobs``), eagerly, or without a result backend (the embedded filesystem broker), the job
runs its ranges one after the other in that process. Each part must be idempotent: a redelivered part (its worker
died, ``acks_late``) is simply run again.
"""

from collections.abc import Iterable

from celery import Task, chord
from celery.backends.base import DisabledBackend
from celery.canvas import Signature
from django.db import connection


def id_ranges(low: int | None, high: int | None, size: int) -> list[tuple[int, int]]:
    """Half-open ranges [start, end) of ``size`` ids covering ``low``..``high`` (both included); none when empty."""
    if low is None or high is None:
        return []
    return [(start, min(start + size, high + 1)) for start in range(low, high + 1, size)]


def can_spread(task: Task) -> bool:
    """Whether the running task is on a worker that can hand its parts to a chord."""
    request = task.request
    return not request.called_directly and not request.is_eager and not isinstance(task.backend, DisabledBackend)


def spread(task: Task, parts: Iterable[Signature], finish: Signature):
    """Replace the running task by the chord ``parts`` → ``finish`` (never returns: Celery's ``Ignore``)."""
    return task.replace(chord(list(parts), finish))


def threads_may_share_work() -> bool:
    """Whether a job may hand chunks to threads of this process, each on a database connection of its own (Django
    gives each thread one, which the thread closes when done): on PostgreSQL, and outside a transaction, whose
    uncommitted rows another connection would not see. Elsewhere the chunks run one after the other here."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block
