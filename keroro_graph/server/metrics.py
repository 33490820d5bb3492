"""Counters for ``/api/metrics`` (Prometheus text format): jobs by outcome, node
runs, cache hits/misses/bytes, provider calls and errors, queue depth, WebSocket
clients. Counted from the event bus; gauges read when scraped."""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..engine.events import Event, JobRecorded, NodeStarted
from ..jobs.backend import JobStatus


class Metrics:
    def __init__(self) -> None:
        self.jobs_finished: Counter[str] = Counter()
        self.node_runs = 0
        #: (provider, outcome) → count; provider packs report through ctx.services.
        self.provider_calls: Counter[tuple[str, str]] = Counter()

    def on_event(self, event: Event) -> None:
        if isinstance(event, NodeStarted):
            self.node_runs += 1
        elif isinstance(event, JobRecorded):
            self.jobs_finished[event.status] += 1

    def provider_call(self, provider: str, outcome: str = "ok") -> None:
        self.provider_calls[(provider, outcome)] += 1

    async def render(self, runtime: Any, websocket_clients: int) -> str:
        jobs, cache = runtime.jobs, runtime.engine.cache.stats()
        lines = [
            "# HELP keroro_jobs Jobs in the store by status.", "# TYPE keroro_jobs gauge",
            *[f'keroro_jobs{{status="{s.value}"}} {await jobs.count([s])}' for s in JobStatus],
            "# HELP keroro_jobs_finished_total Jobs finished by this process, by outcome.",
            "# TYPE keroro_jobs_finished_total counter",
            *[f'keroro_jobs_finished_total{{status="{k}"}} {v}' for k, v in sorted(self.jobs_finished.items())],
            "# HELP keroro_queue_depth Jobs queued or running.", "# TYPE keroro_queue_depth gauge",
            f"keroro_queue_depth {await runtime.jobs.queue_remaining()}",
            "# HELP keroro_node_runs_total Nodes executed (cache hits excluded).",
            "# TYPE keroro_node_runs_total counter", f"keroro_node_runs_total {self.node_runs}",
            "# HELP keroro_cache_hits_total Output cache hits.", "# TYPE keroro_cache_hits_total counter",
            f"keroro_cache_hits_total {cache['hits']}",
            "# HELP keroro_cache_misses_total Output cache misses.", "# TYPE keroro_cache_misses_total counter",
            f"keroro_cache_misses_total {cache['misses']}",
            "# HELP keroro_cache_bytes Bytes held by the output cache.", "# TYPE keroro_cache_bytes gauge",
            f"keroro_cache_bytes {cache['bytes']}",
            "# HELP keroro_cache_budget_bytes The output cache's byte budget.", "# TYPE keroro_cache_budget_bytes gauge",
            f"keroro_cache_budget_bytes {cache['max_bytes']}",
            "# HELP keroro_provider_calls_total Provider API calls by provider and outcome.",
            "# TYPE keroro_provider_calls_total counter",
            *[f'keroro_provider_calls_total{{provider="{p}",outcome="{o}"}} {n}'
              for (p, o), n in sorted(self.provider_calls.items())],
            *_spend_lines(runtime),
            "# HELP keroro_websocket_clients Connected WebSocket clients.", "# TYPE keroro_websocket_clients gauge",
            f"keroro_websocket_clients {websocket_clients}",
        ]
        return "\n".join(lines) + "\n"


def _spend_lines(runtime: Any) -> list[str]:
    spend = getattr(runtime, "spend", None)
    if spend is None:
        return []
    return [
        "# HELP keroro_spend_total Estimated spend of paid calls made by this process, by provider and currency.",
        "# TYPE keroro_spend_total counter",
        *[f'keroro_spend_total{{provider="{p}",currency="{c}"}} {float(v)}'
          for (p, c), v in sorted(spend.spent.items())],
        "# HELP keroro_spend_maybe_charged_total Estimated cost of paid calls the provider accepted that then "
        "failed, timed out or were cancelled (it may charge them), by provider and currency.",
        "# TYPE keroro_spend_maybe_charged_total counter",
        *[f'keroro_spend_maybe_charged_total{{provider="{p}",currency="{c}"}} {float(v)}'
          for (p, c), v in sorted(spend.maybe_charged.items())],
        "# HELP keroro_paid_store_hits_total Paid calls served from the paid-result store.",
        "# TYPE keroro_paid_store_hits_total counter", f"keroro_paid_store_hits_total {spend.store_hits}",
    ]
