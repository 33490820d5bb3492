"""Calling a node's function for each of its calls (list mapping): async nodes as
tasks on the loop; sync nodes in the engine's thread pool, or on the loop when the
inline policy says they are cheap (inline.py). Paid nodes go through paid.py."""
from __future__ import annotations

import asyncio
import contextvars
import time
from concurrent.futures import Executor
from typing import Any

from ..registry.blocker import ExecutionBlocker
from ..registry.spec import NodeSpec
from .context import CallScope, NodeContext, current_call, current_context
from .inline import InlinePolicy
from .mapping import Merged, ResultMerger, blocker_in


async def call_node(spec: NodeSpec, state: Any, ctx: NodeContext, calls: list[dict[str, Any]], *,
                    pool: Executor, inline: InlinePolicy) -> Merged:
    """Every call of a (not paid) node, merged into its outputs."""
    if spec.behaviour.is_async:
        return await _call_async(spec, state, ctx, calls)
    if inline.allows(spec, calls):
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return _call_sync(spec, state, ctx, calls)
        finally:
            inline.ran_inline(spec, time.perf_counter() - started, time.thread_time() - cpu)
    work = contextvars.copy_context().run
    merged, wall, cpu = await asyncio.get_running_loop().run_in_executor(
        pool, work, _timed_call_sync, spec, state, ctx, calls)
    inline.ran_in_pool(spec, wall, cpu)
    return merged


def _call_sync(spec: NodeSpec, state: Any, ctx: NodeContext, calls: list[dict[str, Any]]) -> Merged:
    current_context.set(ctx)
    behaviour, merger = spec.behaviour, ResultMerger(spec)
    for index, call in enumerate(calls):
        ctx.check_cancelled()
        blocker = blocker_in(call, spec.input_is_list)
        if blocker is not None:
            merger.add_blocked(blocker)
            continue
        current_call.set(CallScope(ctx.node_id, index))
        merger.add(behaviour.normalise(behaviour.call(state, ctx, call)))
    return merger.result()


def _timed_call_sync(spec: NodeSpec, state: Any, ctx: NodeContext,
                     calls: list[dict[str, Any]]) -> tuple[Merged, float, float]:
    started, cpu = time.perf_counter(), time.thread_time()
    merged = _call_sync(spec, state, ctx, calls)
    return merged, time.perf_counter() - started, time.thread_time() - cpu


async def _call_async(spec: NodeSpec, state: Any, ctx: NodeContext,
                      calls: list[dict[str, Any]]) -> Merged:
    behaviour, merger = spec.behaviour, ResultMerger(spec)
    pending: list[Any] = []
    for index, call in enumerate(calls):
        blocker = blocker_in(call, spec.input_is_list)
        if blocker is not None:
            pending.append(blocker)
            continue
        scope = current_call.set(CallScope(ctx.node_id, index))
        try:  # each call's task copies the context: its expansion ids carry its index
            result = behaviour.call(state, ctx, call)
            pending.append(asyncio.ensure_future(result) if asyncio.iscoroutine(result) else result)
        finally:
            current_call.reset(scope)
    awaited = await asyncio.gather(*(p for p in pending if isinstance(p, asyncio.Future)))
    results = iter(awaited)
    for item in pending:
        if isinstance(item, asyncio.Future):
            merger.add(behaviour.normalise(next(results)))
        elif isinstance(item, ExecutionBlocker):
            merger.add_blocked(item)
        else:
            merger.add(behaviour.normalise(item))
    return merger.result()
