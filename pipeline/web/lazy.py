"""A value made on first use, once, whichever of the server's threads asks first."""

from __future__ import annotations

import threading


class Lazy:
    def __init__(self, make):
        self._make = make
        self._value = None
        self._made = False
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if not self._made:
                self._value = self._make()
                self._made = True
        return self._value
