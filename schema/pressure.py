"""Backpressure and rate limits for one server process.

- `Gate`: at most N requests execute at once; beyond it the answer is 503 + Retry-After at once,
  not a 30-second wait for a database connection that ends in a timeout for everyone.
- `RateLimiter`: token buckets per address and per bearer token (hashed: the token itself is never
  kept). The address bucket is charged before the token is even checked, so a flood of invalid
  tokens is throttled like any other.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """`requests` per `seconds`, with bursts up to `requests`."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str | None, default: Rate | None) -> Rate | None:
        """"100/10" = 100 requests per 10 seconds; "off" = no limit."""
        if not text:
            return default
        if text.strip().lower() in ("off", "0", "none"):
            return None
        count, _, per = text.partition("/")
        return cls(int(count), float(per or 1))


class Gate:
    """A bounded number of requests executing in this process."""

    def __init__(self, limit: int):
        self.limit = limit
        self.busy = 0

    def try_enter(self) -> bool:
        if self.busy >= self.limit:
            return False
        self.busy += 1
        return True

    def leave(self) -> None:
        self.busy -= 1


class _Bucket:
    __slots__ = ("tokens", "stamp")

    def __init__(self, tokens: float, stamp: float):
        self.tokens, self.stamp = tokens, stamp


class RateLimiter:
    """Token buckets keyed by a string, the least recently used forgotten beyond `max_keys`."""

    def __init__(self, rate: Rate, *, max_keys: int = 50_000, clock=time.monotonic):  # type: ignore[no-untyped-def]
        self.rate, self.max_keys, self.clock = rate, max_keys, clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> int:
        """0 when the request may go on, else the whole seconds until it may."""
        now = self.clock()
        per_second = self.rate.requests / self.rate.seconds
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.rate.requests), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(float(self.rate.requests), bucket.tokens + (now - bucket.stamp) * per_second)
            bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / per_second))


def token_key(authorization: str) -> str:
    return hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Pressure:
    """Per-process limits on concurrency and request rates (YIBAO_MAX_CONCURRENT, YIBAO_RATE_*)."""

    max_concurrent: int = 32
    per_address: Rate | None = Rate(600, 10)
    per_token: Rate | None = Rate(300, 10)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Pressure:
        env = os.environ if environ is None else environ
        base = cls()
        return cls(
            max_concurrent=int(env.get("YIBAO_MAX_CONCURRENT") or base.max_concurrent),
            per_address=Rate.parse(env.get("YIBAO_RATE_PER_ADDRESS"), base.per_address),
            per_token=Rate.parse(env.get("YIBAO_RATE_PER_TOKEN"), base.per_token),
        )
