"""Running a paid node's calls: served from the paid-result store when it has them,
otherwise called under the provider's limit one call at a time (a batch of a hundred
items never holds more slots than the limit allows), saved to the store, and reported
(``PaidCallMade`` for the spend ledger, ``NodeStored`` for hits). In a batch (more
than one call) a failing item becomes an ExecutionBlocker naming the item, so it
fails alone and the other items go on downstream.

The store is any object with the ``ResultStore`` shape, handed to the engine; this
module knows no file layout.
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import hashlib
import logging
import weakref
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ExecutionInterruptedError
from ..registry.blocker import ExecutionBlocker
from ..registry.spec import NodeOutput, NodeSpec
from ..video import Video
from .context import current_context
from .events import ItemFailed, NodeProgress, NodeStored, PaidCallMade
from .mapping import Merged, ResultMerger, blocker_in

log = logging.getLogger(__name__)

_LABEL_CHARS = 120


class ResultStore(Protocol):
    def key(self, sig: bytes, index: int) -> str: ...
    def has(self, key: str) -> bool: ...
    def link(self, alias: str, key: str) -> None: ...
    def load(self, key: str) -> NodeOutput | None: ...
    def save(self, key: str, output: NodeOutput, *, class_type: str) -> bool: ...


async def run_paid(ex: Any, spec: NodeSpec, state: Any, ctx: Any, calls: list[dict[str, Any]],
                   *, node_id: str, sig: bytes) -> Merged:
    """All calls of a paid node (``ex`` is the Execution: engine, job id, emit)."""
    engine, total = ex.engine, len(calls)
    store: ResultStore | None = engine.paid_store if spec.store_results else None
    memo: DigestMemo = engine.paid_digests
    progress = {"done": 0}

    async def one(index: int, call: dict[str, Any]) -> NodeOutput | ExecutionBlocker | _Stored:
        blocker = blocker_in(call, spec.input_is_list)
        if blocker is not None:
            return blocker
        loop = asyncio.get_running_loop()
        alias = store.key(sig, index) if store is not None else ""
        key = call_key(spec, call, alias, memo) if store is not None and memo.known(call) else (
            await loop.run_in_executor(engine.pool, call_key, spec, call, alias, memo) if store is not None else "")
        if store is not None and store.has(key):
            found = await loop.run_in_executor(engine.pool, store.load, key)
            if found is not None:
                if alias != key:
                    await loop.run_in_executor(engine.pool, store.link, alias, key)
                memo.name_outputs(found, key)
                return _Stored(found)
        own = _item_context(ctx, index) if total > 1 else ctx
        own.usage, own.accepted = None, False
        current_context.set(own)  # this task's own copy of the context variable

        def paid(status: str) -> None:
            ex._emit(PaidCallMade(job_id=ex.req.job_id, node_id=node_id, class_type=spec.class_type, item=index,
                                  total=total, inputs=_price_inputs(spec, call), usage=own.usage, status=status))
        try:
            out = await _call_once(engine, spec, state, own, call)
        except BaseException as exc:
            if own.accepted:  # the provider took the work: it may charge it, so the ledger keeps it
                paid(_failed_status(exc))
            raise
        if store is not None:
            memo.name_outputs(out, key)
        paid("succeeded")
        if store is not None:
            def keep() -> None:
                try:
                    if store.save(key, out, class_type=spec.class_type) and alias != key:
                        store.link(alias, key)
                except Exception:  # a result already paid for is never lost to a store problem
                    log.warning("paid-result store: could not keep %s's result", spec.class_type, exc_info=True)
            await loop.run_in_executor(engine.pool, keep)
        if total > 1:
            progress["done"] += 1
            ex._emit(NodeProgress(job_id=ex.req.job_id, node_id=node_id, value=progress["done"], max=total))
        return out

    if total == 1:
        results: list[Any] = [await one(0, calls[0])]
    else:
        results = list(await asyncio.gather(*(one(i, c) for i, c in enumerate(calls)), return_exceptions=True))
    return _merge(ex, spec, node_id, calls, results)


class DigestMemo:
    """Digests of the arrays flowing between nodes, by object identity, so a 12 MB
    IMAGE is hashed at most once: arrays a paid call produced (or the store served) are
    named by that call's key and slot at once; any other array is hashed the first time
    a paid node receives it. Entries go when their array is collected. Thread-safe
    under the GIL (plain dict operations)."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[weakref.ref[Any], bytes]] = {}

    def get(self, array: np.ndarray) -> bytes | None:
        hit = self._by_id.get(id(array))
        return hit[1] if hit is not None and hit[0]() is array else None

    def put(self, array: np.ndarray, digest: bytes) -> None:
        key = id(array)

        def forget(ref: weakref.ref[Any]) -> None:
            current = self._by_id.get(key)
            if current is not None and current[0] is ref:
                del self._by_id[key]
        self._by_id[key] = (weakref.ref(array, forget), digest)

    def known(self, call: dict[str, Any]) -> bool:
        """Whether keying ``call`` is cheap (no array to hash for the first time)."""
        return all(self.get(v) is not None for v in call.values() if isinstance(v, np.ndarray)) and not any(
            isinstance(v, (list, tuple, dict)) for v in call.values())

    def name_outputs(self, output: NodeOutput, key: str) -> None:
        for slot, value in enumerate(output.values):
            items = value if isinstance(value, list) else [value]
            for position, item in enumerate(items):
                if isinstance(item, np.ndarray):
                    self.put(item, hashlib.blake2b(f"{key}#{slot}.{position}".encode(), digest_size=20).digest())


def call_key(spec: NodeSpec, call: dict[str, Any], alias: str, memo: DigestMemo | None = None) -> str:
    """The store key of one call: a digest of the class and the call's input values
    (so an item already paid for is found whatever list it arrives in, and a changed
    line re-runs alone). Nodes whose results depend on more than their inputs (an
    IS_CHANGED hook, NOT_IDEMPOTENT) keep the signature-based ``alias``. Blocking:
    hashes arrays, so it runs in the pool."""
    if spec.behaviour.fingerprint is not None or spec.unique_id_in_key:
        return alias
    hidden = {i.name for i in spec.hidden_inputs}
    h = hashlib.blake2b(spec.class_type.encode(), digest_size=20)
    try:
        for name in sorted(call):
            if name not in hidden:
                h.update(b"\x00" + name.encode() + b"=")
                _digest_value(h, call[name], 0, memo)
    except _Unkeyable:
        return alias
    return h.hexdigest()


class _Unkeyable(Exception):
    pass


def _digest_value(h: Any, value: Any, depth: int, memo: DigestMemo | None) -> None:
    if depth > 8:
        raise _Unkeyable()
    if value is None or isinstance(value, (bool, int, float, str)):
        h.update(repr((type(value).__name__, value)).encode())
    elif isinstance(value, np.ndarray):
        digest = memo.get(value) if memo is not None else None
        if digest is None:
            inner = hashlib.blake2b(f"nd{value.dtype.str}{value.shape}".encode(), digest_size=20)
            inner.update(np.ascontiguousarray(value).data)
            digest = inner.digest()
            if memo is not None:
                memo.put(value, digest)
        h.update(digest)
    elif isinstance(value, (list, tuple)):
        h.update(b"[%d" % len(value))
        for item in value:
            _digest_value(h, item, depth + 1, memo)
    elif isinstance(value, dict):
        h.update(b"{%d" % len(value))
        for k in sorted(value, key=str):
            h.update(str(k).encode())
            _digest_value(h, value[k], depth + 1, memo)
    elif isinstance(value, Video):
        stat = Path(value.path).stat()
        h.update(f"file{value.path}\x00{stat.st_size}\x00{stat.st_mtime_ns}".encode())
    else:
        raise _Unkeyable()


def _item_context(ctx: Any, index: int) -> Any:
    """The node's context for one item of a batch (its result files named by item)."""
    own = copy.copy(ctx)
    own.item = index
    return own


class _Stored:
    __slots__ = ("output",)

    def __init__(self, output: NodeOutput) -> None:
        self.output = output


def _merge(ex: Any, spec: NodeSpec, node_id: str, calls: list[dict[str, Any]], results: list[Any]) -> Merged:
    merger, stored, failed = ResultMerger(spec), 0, 0
    for index, result in enumerate(results):
        if isinstance(result, (asyncio.CancelledError, ExecutionInterruptedError)):
            raise result
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            failed += 1
            message = (f"item {index + 1} of {len(calls)}{_label(calls, index)}: "
                       f"{type(result).__name__}: {result}")
            ex._emit(ItemFailed(job_id=ex.req.job_id, node_id=node_id, class_type=spec.class_type,
                                item=index, total=len(calls), message=message))
            merger.add_blocked(ExecutionBlocker(message))
        elif isinstance(result, ExecutionBlocker):
            merger.add_blocked(result)
        elif isinstance(result, _Stored):
            stored += 1
            merger.add(result.output)
        else:
            merger.add(result)
    if stored:
        ex._emit(NodeStored(job_id=ex.req.job_id, node_id=node_id, class_type=spec.class_type,
                            items=stored, total=len(calls)))
    merged = merger.result()
    merged.failed = failed
    return merged


async def _call_once(engine: Any, spec: NodeSpec, state: Any, ctx: Any, call: dict[str, Any]) -> NodeOutput:
    limit = engine.named_limit(spec.limit) if spec.limit else contextlib.nullcontext()
    behaviour = spec.behaviour
    async with limit:
        if behaviour.is_async:
            raw = await behaviour.call(state, ctx, call)
        else:
            work = contextvars.copy_context().run
            raw = await asyncio.get_running_loop().run_in_executor(engine.pool, work, behaviour.call,
                                                                   state, ctx, call)
    return behaviour.normalise(raw)


def _failed_status(exc: BaseException) -> str:
    """How the ledger records an accepted call that ended without a result."""
    if isinstance(exc, (asyncio.CancelledError, ExecutionInterruptedError)):
        return "cancelled"
    if isinstance(exc, TimeoutError):
        return "timed_out"
    status = getattr(exc, "spend_status", "failed")
    return status if status in ("timed_out", "uncertain") else "failed"


def _price_inputs(spec: NodeSpec, call: dict[str, Any]) -> dict[str, Any]:
    if spec.price is None:
        return {}
    out = {n: call[n] for n in spec.price.inputs_used() if n in call and isinstance(call[n], (str, int, float, bool))}
    out.update({n: True for n in spec.price.unknown_if if call.get(n) is not None})  # given: priced unknown
    return out


def _label(calls: list[dict[str, Any]], index: int) -> str:
    """A short name for the item: its first text input that differs between items."""
    first = calls[0]
    for name, value in calls[index].items():
        if not isinstance(value, str) or not any(c.get(name) != first.get(name) for c in calls):
            continue
        text = value.strip().replace("\n", " ")
        return f" ({text[:_LABEL_CHARS]}{'…' if len(text) > _LABEL_CHARS else ''})" if text else ""
    return ""
