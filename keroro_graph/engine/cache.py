"""The output cache shared by every job: node outputs (and their ``ui``) keyed by
signature, in a least-recently-used store bounded by a byte budget. Sizes are measured
for real (numpy arrays by ``nbytes``), so the cache never holds more than its budget.

Used from the event-loop thread only.
"""
from __future__ import annotations

import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class CacheEntry:
    #: One list per output slot (list mapping: a node may produce several items).
    outputs: tuple[list[Any], ...]
    ui: dict[str, Any] | None
    size_bytes: int
    #: For a node mapped over a batch: ui key → the item each of its entries came from.
    ui_items: dict[str, list[int]] | None = None


def measure(value: Any, _depth: int = 0) -> int:
    """Approximate bytes held by ``value``: exact for numpy arrays and bytes, recursive
    for containers, ``sys.getsizeof`` otherwise."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if isinstance(value, (bytes, bytearray, str)):
        return sys.getsizeof(value)
    if _depth > 6:
        return sys.getsizeof(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(measure(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(measure(k, _depth + 1) + measure(v, _depth + 1)
                                          for k, v in value.items())
    nbytes = getattr(value, "nbytes", None)  # torch tensors and other array types
    if isinstance(nbytes, int):
        return nbytes + 112
    return sys.getsizeof(value)


class OutputCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, CacheEntry] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, sig: object) -> bool:
        return sig in self._entries

    def get(self, sig: bytes) -> CacheEntry | None:
        entry = self._entries.get(sig)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(sig)
        self.hits += 1
        return entry

    def put(self, sig: bytes, outputs: tuple[list[Any], ...], ui: dict[str, Any] | None,
            ui_items: dict[str, list[int]] | None = None) -> CacheEntry:
        """Store and return the entry; an entry larger than the whole budget is
        returned but not kept."""
        size = measure(outputs) + (measure(ui) if ui else 0)
        entry = CacheEntry(outputs=outputs, ui=ui, size_bytes=size, ui_items=ui_items)
        old = self._entries.pop(sig, None)
        if old is not None:
            self.bytes -= old.size_bytes
        if size > self.max_bytes:
            return entry
        self._entries[sig] = entry
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size_bytes
            self.evictions += 1
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._entries), "bytes": self.bytes, "max_bytes": self.max_bytes,
                "hits": self.hits, "misses": self.misses, "evictions": self.evictions}
