"""Single-use tokens: where :class:`~genui.ActionGate` records which envelopes were used.

A store needs two operations: ``used(nonce)`` (has it been claimed?) and
``claim(nonce, expires)`` (claim it atomically; ``False`` if someone already had). An
entry may be forgotten after ``expires``: from then on the envelope is refused as
``expired`` anyway. :class:`MemoryNonceStore` is the embedded default (one process);
several workers need a shared store (Redis, see the streaming guide).
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from genui.errors import GenerativeUIActionError

__all__ = ["MemoryNonceStore", "NonceStore"]


@runtime_checkable
class NonceStore(Protocol):
    """Records used nonces until they expire."""

    def used(self, nonce: str) -> bool:
        """Whether ``nonce`` has been claimed (and not yet expired)."""
        ...

    def claim(self, nonce: str, expires: float) -> bool:
        """Claim ``nonce`` until ``expires`` (Unix time); ``False`` if it was claimed already."""
        ...


class MemoryNonceStore:
    """An in-process :class:`NonceStore`: a dict and an expiry heap, thread-safe.

    Memory is bounded: at most ``max_entries`` unexpired nonces (about 200 bytes
    each). Expired ones are forgotten as new ones come; when the store is full of
    unexpired nonces, a claim is refused with ``GenerativeUIActionError("busy")`` (503)
    rather than forgetting one early, which would allow a replay.
    """

    def __init__(
        self, max_entries: int = 100_000, *, clock: Callable[[], float] = time.time
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now: float) -> None:
        heap = self._heap
        while heap and heap[0][0] < now:
            expires, nonce = heapq.heappop(heap)
            if self._expiry.get(nonce) == expires:
                del self._expiry[nonce]

    def used(self, nonce: str) -> bool:
        """Whether ``nonce`` was claimed and has not expired."""
        with self._lock:
            expires = self._expiry.get(nonce)
            return expires is not None and expires >= self._clock()

    def claim(self, nonce: str, expires: float) -> bool:
        """Claim ``nonce`` until ``expires``; ``False`` if it is claimed already."""
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            if nonce in self._expiry:
                return False
            if len(self._expiry) >= self.max_entries:
                raise GenerativeUIActionError(
                    "too many actions are pending; try again shortly", code="busy", status=503
                )
            self._expiry[nonce] = expires
            heapq.heappush(self._heap, (expires, nonce))
            return True
