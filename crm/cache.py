"""The Redis cache, failing open: when Redis cannot be reached, reads miss and writes are dropped (logged), so the
API throttle lets requests through instead of answering 500 (issue 16 §8). Nothing in the CRM keeps state only in
the cache; ``/healthz`` reports the outage."""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
"""After a failure, the cache is skipped this long instead of waiting for a connection on every call."""


def _fail_open(default=None):
    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return default() if callable(default) else default
            try:
                return method(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Cache unreachable (%s): %s fails open for %ss", exc, method.__name__, RETRY_AFTER_SECONDS
                )
                return default() if callable(default) else default

        return call

    return decorate


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose calls answer a miss (None, the default, False, 0, {}) while Redis is down."""

    _down_until = 0.0

    def get(self, key, default=None, version=None):
        return _fail_open(default)(RedisCache.get)(self, key, default, version)

    add = _fail_open(False)(RedisCache.add)
    set = _fail_open(None)(RedisCache.set)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    get_many = _fail_open(dict)(RedisCache.get_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    incr = _fail_open(0)(RedisCache.incr)
    set_many = _fail_open(list)(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    clear = _fail_open(False)(RedisCache.clear)

    def is_reachable(self) -> bool:
        """Whether Redis answers a PING now (for /healthz), regardless of the fail-open pause."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except (RedisConnectionError, RedisTimeoutError):
            return False
