"""The job timeline of RedisStreamsBackend, read from its sorted sets: finished jobs in
finish order (one ``:done:<status>`` set per status, merged by score), then running
ones in lease order (``:running``), then queued ones in run order (``:queue``), with
``limit``/``offset`` paging over the whole and ``newest_first`` reversing it. Only ids
are read here; records are the backend's business."""
from __future__ import annotations

import heapq
from typing import Any, Iterable

from keroro_graph.jobs.backend import FINISHED, JobStatus

_FINISHED_ORDER = sorted(FINISHED)


def chosen_statuses(statuses: Iterable[JobStatus] | None) -> set[JobStatus]:
    return set(JobStatus) if statuses is None else {JobStatus(s) for s in statuses}


class Listing:
    """One timeline over ``statuses`` on ``redis`` under ``prefix``."""

    def __init__(self, redis: Any, prefix: str, statuses: set[JobStatus]) -> None:
        self.redis, self.prefix = redis, prefix
        done = [f"{prefix}:done:{s.value}" for s in _FINISHED_ORDER if s in statuses]
        self.phases: list[list[str]] = [done] if done else []
        if JobStatus.RUNNING in statuses:
            self.phases.append([f"{prefix}:running"])
        if JobStatus.QUEUED in statuses:
            self.phases.append([f"{prefix}:queue"])

    async def count(self) -> int:
        sizes = await self._sizes()
        return sum(sum(s) for s in sizes)

    async def page(self, *, limit: int | None = None, offset: int = 0,
                   newest_first: bool = False) -> list[str]:
        """Job ids from ``offset`` on, at most ``limit`` of them."""
        phases = list(zip(self.phases, await self._sizes()))
        if newest_first:
            phases.reverse()
        wanted = float("inf") if limit is None else limit
        ids: list[str] = []
        for keys, sizes in phases:
            total = sum(sizes)
            if offset >= total:
                offset -= total
                continue
            take = min(total - offset, wanted)
            ids += await self._slice(keys, offset, int(take), newest_first)
            wanted -= take
            offset = 0
            if wanted <= 0:
                break
        return ids

    async def _sizes(self) -> list[list[int]]:
        pipe = self.redis.pipeline(transaction=False)
        for keys in self.phases:
            for key in keys:
                pipe.zcard(key)
        flat = iter(await pipe.execute())
        return [[next(flat) for _ in keys] for keys in self.phases]

    async def _slice(self, keys: list[str], start: int, take: int, reverse: bool) -> list[str]:
        if len(keys) == 1:
            members = await self.redis.zrange(keys[0], start, start + take - 1, desc=reverse)
            return [_job_id(keys[0], m) for m in members]
        # Several finished statuses: the first start+take of each, merged by finish seq.
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.zrange(key, 0, start + take - 1, desc=reverse, withscores=True)
        runs = [[(score, member) for member, score in rows] for rows in await pipe.execute()]
        merged = heapq.merge(*runs, reverse=reverse)
        return [member for _, member in list(merged)[start:start + take]]


def _job_id(key: str, member: str) -> str:
    """Queue members are ``<seq:015d>:<id>`` so equal numbers keep submission order."""
    return member[16:] if key.endswith(":queue") else member
