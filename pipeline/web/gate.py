"""A turnstile for SPARQL queries: a bounded number run, a bounded number wait briefly, one
client holds a bounded number; every other query is turned away at once with a time to retry."""

from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager

from .limits import Limits


class Busy(Exception):
    """A query turned away: HTTP status, the reason, and seconds to wait before retrying."""

    def __init__(self, status: int, reason: str, retry_after: int):
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after


class QueryGate:
    def __init__(self, limits: Limits):
        self.limits = limits
        self._turn = threading.Condition()
        self.running = 0
        self.waiting = 0
        self.held = Counter()  # client -> queries running or waiting

    @contextmanager
    def turn(self, client: str):
        """Hold one of the running places for the block; raises Busy when none comes."""
        self._enter(client)
        try:
            yield
        finally:
            with self._turn:
                self.running -= 1
                self._leave(client)
                self._turn.notify()

    def _enter(self, client: str) -> None:
        lim = self.limits
        with self._turn:
            if self.held[client] >= lim.per_client:
                raise Busy(429, f"this client already has {lim.per_client} queries running or waiting; "
                                "wait for an answer before sending another", lim.retry_after)
            if self.running >= lim.max_queries and self.waiting >= lim.max_waiting:
                raise Busy(503, f"the endpoint is busy: {lim.max_queries} queries are running and "
                                f"{lim.max_waiting} waiting", lim.retry_after)
            self.held[client] += 1
            if self.running >= lim.max_queries:
                self.waiting += 1
                deadline = time.monotonic() + lim.queue_wait
                try:
                    while self.running >= lim.max_queries:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            self._leave(client)
                            raise Busy(503, f"the endpoint is busy: no query place came free within "
                                            f"{lim.queue_wait:g} s", lim.retry_after)
                        self._turn.wait(left)
                finally:
                    self.waiting -= 1
            self.running += 1

    def _leave(self, client: str) -> None:
        self.held[client] -= 1
        if not self.held[client]:
            del self.held[client]
