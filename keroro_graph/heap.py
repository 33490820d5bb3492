"""Large documents and CPython's collector.

A 200k-node prompt decoded is millions of container objects. CPython's full collection
walks every object in the oldest generation, holding the GIL (0.5-8 s on a loaded
2-core machine), and it runs over and over while such a document is built, since a
full pass is due whenever the oldest generation has grown by a quarter: whatever
thread allocates, the event loop stops.

``large_work()`` marks a stretch of work that builds or walks a large document
(decoding, validating, running, encoding). While any is open, no full collection
starts (young collections still run, paced so that each walks only a few thousand new
objects: ``_pace``), and when the last
one closes, every object alive then is moved out of the collector's generations
(``gc.freeze``, O(1)): the accepted prompt, its graph and the engine's cached outputs
are never walked again. Reference counting still frees them: freezing only takes them
out of the cycle search. That is safe because these documents hold no reference
cycles (``tests/test_heap.py`` checks a run leaves none); the price is that cyclic
garbage alive at that moment (a closed socket's few dozen objects) is never reclaimed.
"""
from __future__ import annotations

import asyncio
import gc
import queue
import sys
import threading
import time
import types
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

#: An oldest-generation threshold no count reaches: no automatic full collection.
_NEVER = 1 << 30
#: The interpreter's switch interval while large work is open (the default is 5 ms).
#: A thread running Python code keeps the GIL until another has waited this long, and
#: the event loop takes the GIL anew after every system call (each select, recv and
#: send): answering one small request while a thread decodes or encodes a 200k-node
#: document cost it tens of such waits, 100-290 ms in all (measured with the loop-lag
#: bench); at 1 ms the same request waits a fifth as long.
LARGE_WORK_SWITCH_S = 0.001

_lock = threading.Lock()
#: While large work is open, a young collection at least this often (see _pace).
PACE_S = 0.02
_open = 0
_threshold: tuple[int, int, int] | None = None
_switch_s: float | None = None
_working = threading.Event()
_pacer: threading.Thread | None = None


@contextmanager
def large_work() -> Iterator[None]:
    """No full collection while this (or another large work) is open, and young ones
    kept short (_pace); what is alive when the last one closes is frozen; threads take
    turns on the GIL more often (LARGE_WORK_SWITCH_S). Usable from any thread, and
    across awaits."""
    global _open, _threshold, _switch_s, _pacer
    with _lock:
        _open += 1
        if _open == 1:
            _threshold = gc.get_threshold()
            gc.set_threshold(_threshold[0], _threshold[1], _NEVER)
            _switch_s = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_s, LARGE_WORK_SWITCH_S))
            if _pacer is None:
                _pacer = threading.Thread(target=_pace, name="keroro-gc-pacer", daemon=True)
                _pacer.start()
            _working.set()
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _threshold is not None:
                _working.clear()
                gc.freeze()
                gc.set_threshold(*_threshold)
                if _switch_s is not None:
                    sys.setswitchinterval(_switch_s)


def _pace() -> None:
    """A young collection every PACE_S while large work is open.

    CPython starts a young collection when allocations outnumber deallocations by 700,
    but objects also join the youngest generation uncounted (a dict is tracked when a
    container is first put in it; free-listed objects are reused), and a thread freeing
    a finished job's document counts its millions of deallocations: the youngest
    generation grew to 80,000+ objects between collections while a 200k-node job ran,
    and each collection held the GIL 20-35 ms (measured with gc.callbacks). Collected
    every PACE_S, the young generations stay a few thousand objects: ~1 ms each."""
    while True:
        _working.wait()
        time.sleep(PACE_S)
        if _working.is_set():
            gc.collect(1)


# --- freeing large documents off the event loop -----------------------------------------

#: Containers wider than this are taken apart a member at a time.
_WIDE = 64
#: The freeing thread rests _REST_S after each _WORK_S of work: it is never in a hurry,
#: and every thread wanting the GIL makes the event loop's turns come later.
_WORK_S, _REST_S = 0.001, 0.003
_doomed: queue.SimpleQueue[Any] = queue.SimpleQueue()
_reaper: threading.Thread | None = None
_reaper_lock = threading.Lock()


async def off_loop_if(large: bool, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)``: in a worker thread when ``large`` (a pass over a large document
    would hold the event loop), else right here (a thread hop costs more than small work)."""
    return await asyncio.to_thread(func, *args) if large else func(*args)


def release(holder: list[Any]) -> None:
    """Free what ``holder`` holds in a background thread, a piece at a time.

    Dropping the last reference to a 200k-node document frees it in one C call (the
    dictionaries' deallocation), which holds the GIL for 100+ ms on whatever thread
    does it — typically the event loop, when a request handler that read large job
    records returns. The items are moved out of ``holder`` (so the caller keeps no
    reference by keeping the list) and a thread takes them apart member by member,
    handing the GIL back as any Python loop does. Only containers that thread holds
    the last reference to are taken apart; anything still shared is left to its
    other owners, untouched."""
    global _reaper
    items = holder[:]
    holder.clear()
    if not items:
        return
    with _reaper_lock:
        if _reaper is None:
            _reaper = threading.Thread(target=_reap, name="keroro-heap-release", daemon=True)
            _reaper.start()
    _doomed.put(items)
    del items


def _reap() -> None:
    while True:
        stack: list[Any] = _doomed.get()
        with large_work():  # no full collection walks what is being freed
            _take_apart(stack)
        del stack


def _take_apart(stack: list[Any]) -> None:
    # Beside each object, how many levels are left: -1 above the first wide container
    # (always taken apart); a wide container's members get 1: a narrow one there is
    # cleared in one C call (a graph node, an output entry: small) unless it holds a
    # wide container itself. Two lists, not pairs: no allocation per object.
    levels = [-1] * len(stack)
    # What something else still holds is left alone, but looked at again once the
    # stack is empty: the other holder is often another part of the same release (a
    # job's record and its validated graph share the prompt), gone by then; freeing
    # it whole when that part went would be the one long C call this thread avoids.
    shared: dict[int, tuple[Any, int]] = {}
    count, since = 0, time.perf_counter()
    while True:
        taken = 0
        while stack:
            count += 1
            if count % 512 == 0 and time.perf_counter() - since > _WORK_S:
                time.sleep(_REST_S)  # nothing waits for this: leave the GIL to those who do
                since = time.perf_counter()
            obj, left = stack.pop(), levels.pop()
            # 2 = ``obj`` and getrefcount's argument: nobody else can see it, so taking
            # it apart changes nothing anyone could observe
            if sys.getrefcount(obj) > 2:
                if type(obj) not in _ATOMS:
                    shared[id(obj)] = (obj, left)
                continue
            taken += 1
            _open_up(obj, left, stack, levels)
        if not shared or not taken:
            return  # what is still shared has owners elsewhere: theirs to free
        stack = [obj for obj, _ in shared.values()]
        levels = [left for _, left in shared.values()]
        shared.clear()


#: What holds nothing: never worth a second look.
_ATOMS = frozenset({str, bytes, int, float, bool, complex, type(None)})


def _open_up(obj: Any, left: int, stack: list[Any], levels: list[int]) -> None:
    """Move what ``obj`` holds onto ``stack`` (``left`` beside each), or clear ``obj``
    at once when it is narrow and deep enough (see _take_apart)."""
    if not isinstance(obj, (dict, list, tuple)):
        # a record's fields, read (not cleared): the stack holds them past the record's
        # own end, as it does a tuple's members
        if not isinstance(obj, type):
            fields = _fields(obj)
            stack.extend(fields)
            levels.extend([left] * len(fields))
        return
    if len(obj) > _WIDE:
        left = 1
    elif left == 1 and not any(isinstance(m, (dict, list)) and len(m) > _WIDE
                               for m in (obj.values() if isinstance(obj, dict) else obj)):
        if not isinstance(obj, tuple):
            obj.clear()
        return
    if isinstance(obj, dict):
        while obj:
            stack.append(obj.popitem()[1])
            levels.append(left)
    elif isinstance(obj, list):
        while obj:
            stack.append(obj.pop())
            levels.append(left)
    else:
        stack.extend(obj)
        levels.extend([left] * len(obj))


#: type → its instances' slots (the member descriptors ``__slots__`` made along its MRO).
_SLOTS: dict[type, tuple[Any, ...]] = {}


def _fields(obj: Any) -> list[Any]:
    """What ``obj`` holds in its ``__dict__`` and its slots (a ``@dataclass(slots=True)``
    record's fields, a pydantic model's); [] for objects that keep their state in C.
    Slots are read through their descriptors: no ``__getattr__`` or property runs."""
    slots = _SLOTS.get(type(obj))
    if slots is None:
        slots = _SLOTS[type(obj)] = _slots_of(type(obj))
    fields = []
    for slot in slots:
        try:
            fields.append(slot.__get__(obj))
        except AttributeError:  # never set
            pass
    state = getattr(obj, "__dict__", None)
    if type(state) is dict:
        fields += state.values()
    return fields


def _slots_of(cls: type) -> tuple[Any, ...]:
    slots = []
    for klass in cls.__mro__:
        declared = klass.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name.startswith("__") and not name.endswith("__"):  # stored under its mangled name
                name = f"_{klass.__name__.lstrip('_')}{name}"
            if type(descriptor := klass.__dict__.get(name)) is types.MemberDescriptorType:
                slots.append(descriptor)
    return tuple(slots)
