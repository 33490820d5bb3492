"""Polling an async provider task: ask for its status with backoff, turn the
provider's states into progress and a status line ("Task running: 12 s (~40 s
left)"), stop at once when the job is cancelled (calling the provider's cancel
endpoint when there is one), and fail with the provider's reason."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Literal

from ..errors import ExecutionInterruptedError
from ..redaction import scrub_text
from .errors import ProviderError, TaskFailedError, TaskTimedOutError

log = logging.getLogger(__name__)
State = Literal["queued", "running", "succeeded", "failed"]


@dataclass
class TaskStatus:
    """One poll's answer, in the provider-neutral form clients map theirs onto."""

    state: State
    #: 0..1 when the provider reports progress, else None (an estimate is shown).
    progress: float | None = None
    message: str = ""
    #: The provider's result object once ``state == "succeeded"``.
    result: Any = None
    raw: Any = field(default=None, repr=False)


@dataclass(frozen=True)
class PollPlan:
    interval_s: float = 2.0
    max_interval_s: float = 15.0
    #: The interval grows by this factor after each poll, up to max_interval_s.
    backoff: float = 1.3
    timeout_s: float = 1800.0
    #: Typical duration, used for progress when the provider reports none.
    estimate_s: float = 120.0


async def poll(ctx: Any, status: Callable[[], Awaitable[TaskStatus]], *, plan: PollPlan = PollPlan(),
               cancel: Callable[[], Awaitable[Any]] | None = None, label: str = "Task") -> TaskStatus:
    """Poll until the task succeeds (returned) or fails (TaskFailedError). Reports
    progress and status text through ``ctx``; on cancellation calls ``cancel`` (best
    effort) and re-raises."""
    hub = getattr(ctx, "services", {}).get("providers")
    scale = getattr(hub, "poll_scale", 1.0) or 1.0
    if scale != 1.0:
        plan = PollPlan(interval_s=plan.interval_s * scale, max_interval_s=plan.max_interval_s * scale,
                        backoff=plan.backoff, timeout_s=plan.timeout_s * scale, estimate_s=plan.estimate_s * scale)
    started = time.monotonic()
    interval = plan.interval_s
    try:
        while True:
            current = await status()
            elapsed = time.monotonic() - started
            if current.state == "succeeded":
                ctx.progress(100, 100)
                ctx.text(f"{label} finished in {elapsed:.0f} s")
                return current
            if current.state == "failed":
                raise TaskFailedError(current.message or "the provider reports the task failed")
            _report(ctx, current, elapsed, plan, label)
            if elapsed > plan.timeout_s:
                raise TaskTimedOutError(f"{label.lower()} did not finish within {plan.timeout_s:.0f} s")
            # Jitter: tasks started together would otherwise poll in lockstep, and a
            # hundred answers arriving at once stall the event loop (and the provider).
            await ctx.sleep(interval * random.uniform(0.8, 1.2))
            interval = min(plan.max_interval_s, interval * plan.backoff)
    except (ExecutionInterruptedError, asyncio.CancelledError):
        if cancel is not None:
            await _cancel_quietly(cancel)
        raise


def _report(ctx: Any, current: TaskStatus, elapsed: float, plan: PollPlan, label: str) -> None:
    if current.progress is not None:
        fraction = min(max(current.progress, 0.0), 0.99)
    else:
        # An estimate that approaches but never reaches the end: 1 - e^(-t/estimate).
        fraction = min(0.95, 1.0 - 2.718281828 ** (-elapsed / max(plan.estimate_s, 1.0)))
    ctx.progress(round(fraction * 100, 1), 100)
    state = "queued" if current.state == "queued" else "running"
    left = max(0.0, plan.estimate_s - elapsed)
    hint = f" (~{left:.0f} s left)" if current.progress is None and left > 0 else ""
    extra = f" — {current.message}" if current.message else ""
    ctx.text(f"{label} {state}: {elapsed:.0f} s{hint}{extra}")


async def _cancel_quietly(cancel: Callable[[], Awaitable[Any]]) -> None:
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.ensure_future(cancel())), timeout=5.0)
    except (ProviderError, asyncio.TimeoutError, asyncio.CancelledError, OSError) as exc:
        # The error's text is scrubbed where it was made (ProviderClient.error) and again
        # by the log redaction; the type alone would do for most readers.
        log.info("cancelling the provider task did not succeed: %s: %s", type(exc).__name__, scrub_text(str(exc)))
