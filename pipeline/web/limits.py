"""The limits `koko serve` states and keeps: what one query may ask, how many run at once.

A public endpoint says its limits (printed at start, on the query page, in the service
description) so that a client can keep within them instead of finding them out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def cores() -> int:
    """The processors this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Limits:
    query_timeout: int = 10  # seconds a query may run
    max_query_bytes: int = 64 * 1024  # the query text, UTF-8
    max_result_bytes: int = 16 * 1024 * 1024  # one answer
    max_queries: int = 0  # running at once; 0: twice the cores
    per_client: int = 2  # running or waiting, from one client address
    queue_wait: float = 2.0  # seconds a query over the bound may wait for a turn

    def __post_init__(self):
        if self.max_queries <= 0:
            object.__setattr__(self, "max_queries", 2 * cores())

    @property
    def max_waiting(self) -> int:
        """Queries that may wait for a turn; more are turned away at once."""
        return 2 * self.max_queries

    @property
    def retry_after(self) -> int:
        """Seconds a turned-away client is asked to wait: about one query's time."""
        return max(1, min(self.query_timeout, 10))

    def summary(self) -> str:
        return (f"a query of at most {self.max_query_bytes} bytes runs at most {self.query_timeout} s and answers at "
                f"most {self.max_result_bytes} bytes; {self.max_queries} queries run at once, {self.max_waiting} more "
                f"wait up to {self.queue_wait:g} s, {self.per_client} per client")

    def terms(self) -> list:
        """(local name of the ontology's term, value): as the service description and the query
        page state them."""
        return [("maxQueryBytes", self.max_query_bytes), ("queryTimeLimit", self.query_timeout),
                ("maxResultBytes", self.max_result_bytes), ("maxConcurrentQueries", self.max_queries),
                ("maxQueriesPerClient", self.per_client)]
