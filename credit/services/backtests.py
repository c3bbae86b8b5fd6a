"""Back-tests of a draft policy (DOMAIN §11): started from the policy page, run here or by a worker with progress.
A back-test writes only its own record; the policy and the profiles stay as they are."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from credit import selectors
from credit.models import PolicyBacktest
from credit.rules.policy import CreditPolicy

_KINDS = {
    name: type(value) for name, value in ((f, getattr(CreditPolicy(), f)) for f in CreditPolicy.__dataclass_fields__)
}


@transaction.atomic
def policy_backtest_start(*, changes: dict, by: AbstractBaseUser, today: date) -> PolicyBacktest:
    """Record a back-test of the policy in force with ``changes`` (policy field → value), to run as of ``today``."""
    known = {name: value for name, value in changes.items() if name in _KINDS}
    return PolicyBacktest.objects.create(changes=known, policy=selectors.policy_current(), as_of=today, created_by=by)


def policy_backtest_run(*, backtest_id: int) -> PolicyBacktest:
    """Replay the year and keep the figures. Idempotent: a finished back-test is left as it is, so a redelivered
    task does nothing twice; a failed one is marked failed and the error goes on up."""
    run = PolicyBacktest.objects.get(pk=backtest_id)
    if run.status != PolicyBacktest.Status.RUNNING:
        return run
    reported = [run.progress]

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // max(total, 1))
        if percent >= reported[0] + 5:
            reported[0] = percent
            PolicyBacktest.objects.filter(pk=run.pk, status=PolicyBacktest.Status.RUNNING).update(progress=percent)

    try:
        found = selectors.policy_backtest(
            changes=policy_changes(run), today=run.as_of, current=run.policy.as_rule(), progress=progress
        )
    except Exception:
        PolicyBacktest.objects.filter(pk=run.pk).update(status=PolicyBacktest.Status.FAILED)
        raise
    run.result, run.status, run.progress = found.as_json(), PolicyBacktest.Status.DONE, 100
    run.save(update_fields=["result", "status", "progress"])
    return run


def policy_changes(run: PolicyBacktest) -> dict:
    """The draft's changes with their policy types back (stored as JSON: decimals as text)."""
    return {name: _KINDS[name](str(value)) for name, value in run.changes.items()}
