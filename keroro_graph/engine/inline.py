"""Which sync nodes may run on the event loop instead of the thread pool.

Handing a call to a pool thread and its result back costs 100–260 µs of GIL hand-over
on a loaded machine, far more than a node that adds two integers takes. A sync node
runs on the loop only when all of these hold:

- it is a built-in node, or its pack declared it ``cheap=True`` (a node of another pack
  may wait on the network behind a fast first few calls: it always runs in the pool);
- the node's outputs are all plain values (numbers, text, booleans, combos) and it is
  no output node: a node that makes an image, a latent or a model, or writes a file,
  is never run on the loop;
- every input value of this call is a plain value (text up to ``_MAX_TEXT`` chars);
- its class's last ``_PROBATION`` calls in the pool each took at most ``_FAST_S`` of
  CPU time (and ``_POOL_WALL_S`` of wall time: I/O waits count there);
- a call on the loop that takes more than ``_SLOW_S`` of CPU time (or ``_SLOW_WALL_S``
  of wall time) sends the class back to the pool (on probation again); a class slow
  there ``_STRIKES`` times and in more than one call in a hundred stays in the pool.

Everything else keeps running in the pool, as before.
"""
from __future__ import annotations

from typing import Any

from ..registry.spec import NodeSpec

_PROBATION = 3
_FAST_S = 0.000_5
_SLOW_S = 0.002
#: Wall time that counts as slow on the loop (CPU time is the steadier measure on a
#: busy machine; wall time catches a call that waits on I/O).
_SLOW_WALL_S = 0.015
#: Wall time a fast call may take in the pool: it may wait a GIL switch interval or two.
_POOL_WALL_S = 0.012
_STRIKES = 3
_MAX_TEXT = 65_536
_PLAIN_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
_PLAIN_VALUES = (int, float, bool, type(None))
#: Modules of the built-in nodes (the repository's nodes/ folder).
_BUILT_IN = "nodes."


class InlinePolicy:
    def __init__(self) -> None:
        #: class type → fast pool calls in a row so far.
        self._fast_runs: dict[str, int] = {}
        #: class type → slow calls on the loop so far, and all its calls there.
        self._strikes: dict[str, int] = {}
        self._inline_runs: dict[str, int] = {}

    def allows(self, spec: NodeSpec, calls: list[dict[str, Any]]) -> bool:
        """Whether this call of ``spec`` (sync, not paid) may run on the loop."""
        if self._fast_runs.get(spec.class_type, 0) < _PROBATION:
            return False
        return all(_plain(call) for call in calls)

    def ran_inline(self, spec: NodeSpec, seconds: float, cpu_seconds: float) -> None:
        """A call on the loop took ``seconds`` of wall time, ``cpu_seconds`` of CPU."""
        name = spec.class_type
        self._inline_runs[name] = self._inline_runs.get(name, 0) + 1
        if cpu_seconds > _SLOW_S or seconds > _SLOW_WALL_S:
            self._fast_runs[name] = 0
            self._strikes[name] = self._strikes.get(name, 0) + 1

    def ran_in_pool(self, spec: NodeSpec, seconds: float, cpu_seconds: float) -> None:
        """A call in the pool took ``seconds`` of wall time and ``cpu_seconds`` of its
        thread's CPU time (the wall time there includes waits for the GIL)."""
        name = spec.class_type
        runs = self._fast_runs.get(name, 0)
        if runs >= _PROBATION:
            return
        fast = cpu_seconds <= _FAST_S and seconds <= _POOL_WALL_S
        if fast and not self._struck_out(name) and _plain_outputs(spec):
            self._fast_runs[name] = runs + 1
        else:
            self._fast_runs[name] = 0

    def _struck_out(self, name: str) -> bool:
        """Slow on the loop ``_STRIKES`` times and in more than 1 call in 100 (one
        slow call now and then is a garbage collection or a busy machine)."""
        strikes = self._strikes.get(name, 0)
        return strikes >= _STRIKES and strikes * 100 > self._inline_runs.get(name, 0)

    def on_loop(self, class_type: str) -> bool:
        """Whether ``class_type`` runs on the loop now (for tests and metrics)."""
        return self._fast_runs.get(class_type, 0) >= _PROBATION


def _plain_outputs(spec: NodeSpec) -> bool:
    """Ours or declared cheap, plain outputs, and no side effects to speak of (output
    nodes write files)."""
    return ((spec.cheap or spec.python_module.startswith(_BUILT_IN)) and bool(spec.outputs)
            and not spec.output_node and all(o.type in _PLAIN_TYPES and not o.is_list for o in spec.outputs))


def _plain(call: dict[str, Any]) -> bool:
    for value in call.values():
        if isinstance(value, str):
            if len(value) > _MAX_TEXT:
                return False
        elif not isinstance(value, _PLAIN_VALUES):
            return False
    return True
