"""Large documents and CPython's collector.

A 200k-node prompt decoded is millions of container objects. CPython's full collection
walks every object in the oldest generation, holding the GIL (0.5-8 s on a loaded
2-core machine), and it runs over and over while such a document is built, since a
full pass is due whenever the oldest generation has grown by a quarter: whatever
thread allocates, the event loop stops.

``large_work()`` marks a stretch of work that builds or walks a large document
(decoding, validating, running, encoding). While any is open, no full collection
starts (young collections still run: they walk only new objects), and when the last
one closes, every object alive then is moved out of the collector's generations
(``gc.freeze``, O(1)): the accepted prompt, its graph and the engine's cached outputs
are never walked again. Reference counting still frees them: freezing only takes them
out of the cycle search. That is safe because these documents hold no reference
cycles (``tests/test_heap.py`` checks a run leaves none); the price is that cyclic
garbage alive at that moment (a closed socket's few dozen objects) is never reclaimed.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

#: An oldest-generation threshold no count reaches: no automatic full collection.
_NEVER = 1 << 30

_lock = threading.Lock()
_open = 0
_threshold: tuple[int, int, int] | None = None


@contextmanager
def large_work() -> Iterator[None]:
    """No full collection while this (or another large work) is open; what is alive
    when the last one closes is frozen. Usable from any thread, and across awaits."""
    global _open, _threshold
    with _lock:
        _open += 1
        if _open == 1:
            _threshold = gc.get_threshold()
            gc.set_threshold(_threshold[0], _threshold[1], _NEVER)
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _threshold is not None:
                gc.freeze()
                gc.set_threshold(*_threshold)

