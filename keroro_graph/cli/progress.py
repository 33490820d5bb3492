"""Terminal progress for a running job: on a TTY an overall bar plus one live bar per
running node and, for a batch, one bar per item (its paid steps done), redrawn at most
ten times a second; otherwise plain lines, one per node event, that read well in CI logs."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from ..engine.events import (Event, ItemFailed, JobFailed, JobInterrupted, JobSucceeded, NodeBlocked,
                             NodeFinished, NodeProgress, NodesCached, NodeStarted, NodeStored, NodeText, PaidCallMade)

_BAR = 24
_REDRAW_S = 0.1
_ITEM_LINES = 12


def bar(fraction: float, width: int = _BAR) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    full = int(fraction * width)
    return "█" * full + "░" * (width - full)


@dataclass
class _Running:
    class_type: str
    started: float
    value: float = 0.0
    max: float = 0.0
    text: str = ""


@dataclass
class ProgressDisplay:
    """Subscribe ``display.on_event`` to the bus for one job."""

    job_id: str
    total_nodes: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    live: bool | None = None
    done: int = 0
    cached: int = 0
    started: float = field(default_factory=time.monotonic)
    running: dict[str, _Running] = field(default_factory=dict)
    #: Paid nodes each batch item passes through (from the estimate; 0: no item bars).
    item_steps: int = 0
    #: item index → paid steps done, or -1 once it failed.
    items: dict[int, int] = field(default_factory=dict)
    _drawn_lines: int = 0
    _last_draw: float = 0.0

    def __post_init__(self) -> None:
        if self.live is None:
            self.live = self.stream.isatty()

    def on_event(self, event: Event) -> None:
        if event.job_id != self.job_id:
            return
        line = self._apply(event)
        if self.live:
            final = isinstance(event, (JobSucceeded, JobFailed, JobInterrupted))
            self._draw(force=final)
        elif line:
            self.stream.write(line + "\n")
            self.stream.flush()

    def _apply(self, event: Event) -> str | None:
        if isinstance(event, NodesCached):
            self.cached = len(event.node_ids)
            return f"{self.cached} node(s) cached" if self.cached else None
        if isinstance(event, NodeStarted):
            self.running[event.node_id] = _Running(event.class_type, time.monotonic())
            return None
        if isinstance(event, NodeProgress):
            run = self.running.get(event.node_id)
            if run:
                run.value, run.max = event.value, event.max
            return f"  node {event.node_id}: {event.value:g}/{event.max:g}"
        if isinstance(event, NodeText):
            run = self.running.get(event.node_id)
            if run:
                run.text = event.text
            return f"  node {event.node_id}: {event.text}"
        if isinstance(event, NodeFinished):
            return self._finished(event)
        if isinstance(event, PaidCallMade) and event.total > 1 and event.status == "succeeded":
            if self.items.get(event.item, 0) >= 0:
                self.items[event.item] = self.items.get(event.item, 0) + 1
            return None
        if isinstance(event, ItemFailed):
            self.items[event.item] = -1
        if isinstance(event, NodeStored) and event.total > 1 and event.items == event.total:
            for item in range(event.total):  # every item's step came from the store
                if self.items.get(item, 0) >= 0:
                    self.items[item] = self.items.get(item, 0) + 1
        if isinstance(event, NodeStored):
            return (f"  node {event.node_id} ({event.class_type}): {event.items}/{event.total} call(s) served "
                    "from the paid-result store, nothing paid")
        if isinstance(event, ItemFailed):
            return f"  node {event.node_id} ({event.class_type}) {event.message}"
        if isinstance(event, NodeBlocked):
            return f"  node {event.node_id} ({event.class_type}) blocked: {event.message}"
        return None

    def _finished(self, event: NodeFinished) -> str | None:
        if event.cached:
            return None
        run = self.running.pop(event.node_id, None)
        self.done += 1
        took = time.monotonic() - run.started if run else 0.0
        return (f"[{self.done + self.cached}/{self.total_nodes}] node {event.node_id} "
                f"({event.class_type}) done in {took:.2f}s")

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < _REDRAW_S:
            return
        self._last_draw = now
        finished = self.done + self.cached
        lines = [f"{bar(finished / max(self.total_nodes, 1))} {finished}/{self.total_nodes} nodes"
                 f"  {now - self.started:5.1f}s" + (f"  ({self.cached} cached)" if self.cached else "")]
        for node_id, run in list(self.running.items())[:8]:
            fraction = run.value / run.max if run.max else 0.0
            detail = f"{fraction * 100:3.0f}%" if run.max else f"{now - run.started:4.1f}s"
            lines.append(f"  {node_id:>6} {run.class_type[:22]:<22} {bar(fraction, 16)} {detail} {run.text[:40]}")
        lines += self._item_lines()
        if self._drawn_lines:
            self.stream.write(f"\x1b[{self._drawn_lines}F\x1b[J")
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        self._drawn_lines = len(lines)

    def _item_lines(self) -> list[str]:
        if not self.item_steps or not self.items:
            return []
        shown = sorted(self.items)[-_ITEM_LINES:]
        lines = []
        for item in shown:
            done = self.items[item]
            state = "failed" if done < 0 else f"{done}/{self.item_steps}"
            lines.append(f"  item {item + 1:>4} {bar(max(done, 0) / self.item_steps, 16)} {state}")
        if len(self.items) > len(shown):
            failed = sum(1 for v in self.items.values() if v < 0)
            lines.append(f"  … {len(self.items) - len(shown)} more items ({failed} failed in all)")
        return lines
