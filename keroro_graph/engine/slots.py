"""JobSlot: a running job's claim on one of the job service's ``max_jobs`` slots.

A slot bounds CPU work, not waiting: the execution parks its slot (gives it back)
while the job only waits on async nodes (provider I/O, a named limit, another job's
result) and takes one again before it starts a sync node, so a hundred jobs that
each wait on a provider need no hundred slots.
"""
from __future__ import annotations

import asyncio


class JobSlot:
    """One permit of ``slots``, held from creation (the worker took it to lease the job)."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self._lock = asyncio.Lock()
        self.held = True

    def park(self) -> None:
        """Give the slot back while the job only waits (no-op when not held)."""
        if self.held:
            self.held = False
            self._slots.release()

    async def resume(self) -> None:
        """Hold a slot again (waiting for a free one) before CPU work."""
        if self.held:
            return
        async with self._lock:  # two sync nodes of one job resuming at once take one slot
            if not self.held:
                await self._slots.acquire()
                self.held = True

    release = park
