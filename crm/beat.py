"""Exactly one Celery beat sends the schedule, however many run (issue 15 §4; README "Running on several machines").

``celery -A crm beat`` uses ``SingleBeatScheduler`` (crm/celery.py). With Redis (``REDIS_URL``) each beat tries to
hold one Redis lock (``BEAT_LOCK``, expiring after ``BEAT_LOCK_SECONDS`` unless renewed): the holder renews it on
every tick and sends the due tasks; any other beat is a standby that keeps its schedule in step (each due entry is
marked run, not sent) and takes over within ``BEAT_LOCK_SECONDS`` when the holder stops. So a second beat started by
mistake, or on purpose on a second host for failover, never sends a job twice. Without Redis (the embedded
filesystem broker, one machine) there is nothing to share a lock through: run one beat.
"""

import logging

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

BEAT_LOCK = "crm:beat:lock"
BEAT_LOCK_SECONDS = 30
"""How long a silent holder keeps the lock: a standby takes over at most this long after the holder stops."""
BEAT_TICK_SECONDS = 5
"""The longest a beat sleeps between ticks, so the holder renews well within BEAT_LOCK_SECONDS."""


def redis_lock(url: str, name: str = BEAT_LOCK, seconds: int = BEAT_LOCK_SECONDS):
    """A redis-py lock (a token per holder; acquire, extend and release are atomic scripts)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    return client.lock(name, timeout=seconds, blocking=False, thread_local=False)


class SingleBeatScheduler(PersistentScheduler):
    """The persistent (shelve) scheduler that sends only while it holds the beat lock."""

    def __init__(self, *args, lock=None, **kwargs):
        url = getattr(settings, "REDIS_URL", "")
        self.lock = lock if lock is not None else (redis_lock(url) if url else None)
        self.holding, self._told = self.lock is None, False
        super().__init__(*args, **kwargs)
        self.max_interval = min(self.max_interval, BEAT_TICK_SECONDS)

    def _hold(self) -> bool:
        """Renew the lock when held, else try to take it. A Redis error counts as not holding (nothing is sent
        anyway while the broker, the same Redis, is down)."""
        if self.lock is None:
            return True
        try:
            held = self.lock.reacquire() if self.holding and self.lock.owned() else self.lock.acquire()
        except Exception:  # redis errors, or a lock that expired under us (LockNotOwnedError)
            logger.warning("beat: the lock %s could not be checked; not sending", BEAT_LOCK, exc_info=True)
            held = False
        if held != self.holding or not self._told:
            logger.info("beat: %s", "sending the schedule" if held else "standing by: another beat sends the schedule")
        self.holding, self._told = bool(held), True
        return self.holding

    def tick(self, *args, **kwargs) -> float:
        self._hold()
        return min(super().tick(*args, **kwargs), BEAT_TICK_SECONDS)

    def apply_entry(self, entry, producer=None) -> None:
        """Send a due entry only while holding the lock (checked again now); a standby only marks it run."""
        if self._hold():
            super().apply_entry(entry, producer=producer)
        else:
            logger.info("beat: standby, %s not sent (another beat sends it)", entry.name)

    def close(self) -> None:
        super().close()
        if self.lock is not None and self.holding:
            try:
                self.lock.release()
            except Exception:  # already expired or Redis gone: it expires by itself
                logger.debug("beat: lock release failed", exc_info=True)
