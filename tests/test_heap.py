"""Large documents and the collector (keroro_graph/heap.py): no full collection while
large work is open, survivors frozen when the last closes; and a finished run leaves no
reference cycle, so freezing its graph and outputs never keeps garbage alive."""
from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from keroro_graph import heap, jsonpieces
from keroro_graph.runtime import Runtime
from tests.conftest import chain, run_graph


def test_large_work_pauses_full_collections_and_freezes_what_it_built():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    inside: list[tuple[int, int, int]] = []
    switch_before = sys.getswitchinterval()
    switch_inside: list[float] = []
    with heap.large_work():
        switch_inside.append(sys.getswitchinterval())
        document = [{"n": i, "inputs": [i]} for i in range(20_000)]
        worker = threading.Thread(target=lambda: inside.append(gc.get_threshold()))
        with heap.large_work():  # nested, from any thread
            worker.start()
            worker.join()
        assert gc.get_threshold()[2] > 1_000_000  # still open: no full pass yet
        assert gc.get_freeze_count() == frozen
    assert inside[0][2] > 1_000_000
    assert gc.get_threshold() == before
    assert switch_inside[0] <= heap.LARGE_WORK_SWITCH_S < switch_before  # threads take turns sooner
    assert sys.getswitchinterval() == switch_before
    after = gc.get_freeze_count()
    assert after >= frozen + 40_000  # the document's dicts and lists among them
    del document  # frozen objects are still freed by reference counting
    assert gc.get_freeze_count() <= after - 40_000


def test_a_large_json_document_is_decoded_inside_large_work(monkeypatch):
    monkeypatch.setattr(jsonpieces, "LARGE", 100)
    seen: list[int] = []
    real = jsonpieces._value

    def spy(*args):
        seen.append(gc.get_threshold()[2])
        return real(*args)
    monkeypatch.setattr(jsonpieces, "_value", spy)
    text = '{"a": [1, 2, {"b": 3}], "c": "' + "x" * 200 + '"}'
    assert jsonpieces.loads(text) == {"a": [1, 2, {"b": 3}], "c": "x" * 200}
    assert seen and all(t > 1_000_000 for t in seen)


async def test_a_finished_run_leaves_no_reference_cycle(runtime: Runtime):
    """The run, its graph and its nodes are freed by reference counting when the job
    ends: nothing of them waits for a full collection (which would walk millions of
    objects for a 200k-node prompt)."""
    gc.collect()
    gc.disable()
    try:
        record = await run_graph(runtime, chain(50))
        assert record.status.value == "success"
        await asyncio.sleep(0.05)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not kinds & {"Execution", "GraphNode", "Graph", "Link", "CacheEntry", "RunRequest"}


def _released(items: list) -> None:
    """heap.release(items), then wait until the releasing thread has gone idle."""
    done = threading.Event()
    heap.release(items)
    heap.release([_Flag(done)])  # handled after ``items``: the thread takes them in order
    assert done.wait(10)


class _Flag:
    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def __del__(self) -> None:
        self.event.set()


def test_release_takes_apart_what_nobody_else_holds_and_leaves_shared_parts_whole():
    shared = {f"k{i}": {"v": [i]} for i in range(500)}
    nested = {"n": [1, 2, {"deep": list(range(300))}]}
    doc = {"prompt": [1, "id", {f"n{i}": {"inputs": {"v": i}} for i in range(1000)}],
           "outputs": shared, "nested": nested, "items": [{"x": i} for i in range(200)]}
    holder = [doc, ("tuple", shared)]
    watched = doc["prompt"][2]["n5"]  # a member we keep: must stay as it is
    del doc
    _released(holder)
    assert holder == []  # the caller's list keeps nothing
    # what others hold is untouched, to the last member
    assert len(shared) == 500 and shared["k499"] == {"v": [499]}
    assert nested == {"n": [1, 2, {"deep": list(range(300))}]}
    assert watched == {"inputs": {"v": 5}}


def test_release_frees_a_large_document_off_the_calling_thread():
    freed_on: list[str] = []

    class Leaf:
        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)
    holder = [{"graph": {f"n{i}": {"inputs": {"v": [i]}} for i in range(5000)}, "leaf": Leaf()}]
    _released(holder)
    assert freed_on == ["keroro-heap-release"]


class _Watched(dict):
    """A wide dict that notes how many members it still had when it was freed: 0 when
    it was taken apart a member at a time, all of them when it went in one C call."""
    sizes_when_freed: list[int] = []

    def __del__(self) -> None:
        _Watched.sizes_when_freed.append(len(self))


@dataclass(slots=True)
class _SlotRecord:  # a validated graph, a run's result: records without a __dict__
    doc: Any


def test_release_takes_apart_records_with_slots_and_documents_two_released_records_share():
    _Watched.sizes_when_freed.clear()
    alone = _Watched({f"n{i}": {"v": [i]} for i in range(1000)})
    shared = _Watched({f"n{i}": {"v": [i]} for i in range(1000)})
    # the job's record and its validated graph hold the same prompt: whichever is taken
    # apart first finds it held by the other
    holder = [_SlotRecord(alone), _SlotRecord(shared), SimpleNamespace(prompt=shared)]
    del alone, shared
    _released(holder)
    assert _Watched.sizes_when_freed == [0, 0]


def test_release_leaves_what_an_outside_owner_still_holds():
    _Watched.sizes_when_freed.clear()
    kept = _Watched({f"n{i}": {"v": [i]} for i in range(1000)})
    _released([_SlotRecord(kept), SimpleNamespace(prompt=kept)])
    assert _Watched.sizes_when_freed == [] and len(kept) == 1000 and kept["n999"] == {"v": [999]}


def test_young_collections_are_paced_while_large_work_is_open_and_stop_after():
    seen: list[tuple[str, int]] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append((threading.current_thread().name, info["generation"]))
    gc.callbacks.append(note)
    try:
        with heap.large_work():
            time.sleep(heap.PACE_S * 10)
        paced = [g for name, g in seen if name == "keroro-gc-pacer"]
        time.sleep(heap.PACE_S)  # one that had begun as the work closed
        seen.clear()
        time.sleep(heap.PACE_S * 5)
        after = [g for name, g in seen if name == "keroro-gc-pacer"]
    finally:
        gc.callbacks.remove(note)
    # a young collection every PACE_S, never a full one (that would walk the document)
    assert len(paced) >= 3 and set(paced) == {1}
    assert after == []
