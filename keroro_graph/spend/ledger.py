"""The spend ledger and budget state, durable in SQLite (the embedded job store's
database file, in tables of their own; a file of its own beside it when jobs live in
Redis): every paid call (job, node, provider, model, currency, estimated amount, the
provider's reported usage), the budget limits, and the reservations of jobs admitted
but not finished, so that limits hold across concurrent jobs and processes on one
host. Every method is blocking and runs in one transaction; callers use a worker
thread (``Spend`` does).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spend_ledger (
    id INTEGER PRIMARY KEY, ts REAL NOT NULL, day TEXT NOT NULL, job_id TEXT NOT NULL,
    node_id TEXT NOT NULL, class_type TEXT NOT NULL, provider TEXT, model TEXT, currency TEXT,
    amount TEXT, item INTEGER NOT NULL DEFAULT 0, usage TEXT, basis TEXT);
CREATE INDEX IF NOT EXISTS spend_ledger_ts ON spend_ledger (ts);
CREATE TABLE IF NOT EXISTS spend_reservations (
    job_id TEXT PRIMARY KEY, day TEXT NOT NULL, amounts TEXT NOT NULL, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS spend_budget (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Charge:
    job_id: str
    node_id: str
    class_type: str
    provider: str | None
    model: str | None
    currency: str | None
    amount: Decimal | None
    item: int = 0
    usage: dict[str, Any] | None = None
    basis: str = ""


def day_of(ts: float) -> str:
    """The local calendar day of ``ts`` (daily limits follow the server's clock)."""
    return time.strftime("%Y-%m-%d", time.localtime(ts))


class Ledger:
    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    # --- the ledger ---------------------------------------------------------------------
    def record(self, charges: Iterable[Charge], *, ts: float | None = None) -> None:
        now = time.time() if ts is None else ts
        rows = [(now, day_of(now), c.job_id, c.node_id, c.class_type, c.provider, c.model, c.currency,
                 None if c.amount is None else str(c.amount), c.item,
                 json.dumps(c.usage) if c.usage else None, c.basis) for c in charges]
        with self._lock:
            self._db.executemany(
                "INSERT INTO spend_ledger (ts, day, job_id, node_id, class_type, provider, model, currency, "
                "amount, item, usage, basis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def query(self, *, since: float | None, until: float | None, group_by: str | None) -> dict[str, Any]:
        """Totals per currency, the number of calls and unknown-priced calls, and the
        same per ``group_by`` (provider | day | job) when given."""
        where, args = "WHERE ts >= ? AND ts < ?", [since or 0.0, until or 1e18]
        column = {"provider": "COALESCE(provider, '')", "day": "day", "job": "job_id", None: "''"}[group_by]
        with self._lock:
            rows = self._db.execute(
                f"SELECT {column}, currency, amount FROM spend_ledger {where}", args).fetchall()
        groups: dict[str, dict[str, Any]] = {}
        total = _bucket()
        for group, currency, amount in rows:
            for bucket in ([total, groups.setdefault(group, _bucket())] if group_by else [total]):
                _add(bucket, currency, amount)
        out = {"total": _plain(total)}
        if group_by:
            out["groups"] = {g: _plain(b) for g, b in sorted(groups.items())}
        return out

    def calls(self, *, since: float | None = None, until: float | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, job_id, node_id, class_type, provider, model, currency, amount, item, usage, basis "
                "FROM spend_ledger WHERE ts >= ? AND ts < ? ORDER BY id DESC LIMIT ?",
                (since or 0.0, until or 1e18, limit)).fetchall()
        keys = ("ts", "job_id", "node_id", "class_type", "provider", "model", "currency", "amount", "item",
                "usage", "basis")
        out = []
        for row in rows:
            entry = dict(zip(keys, row))
            entry["amount"] = None if entry["amount"] is None else float(Decimal(entry["amount"]))
            entry["usage"] = json.loads(entry["usage"]) if entry["usage"] else None
            out.append(entry)
        return out

    # --- budget -------------------------------------------------------------------------
    def budget(self) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute("SELECT doc FROM spend_budget WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else {"per_job": {}, "per_day": {}}

    def set_budget(self, doc: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO spend_budget (id, doc) VALUES (1, ?) "
                             "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc", (json.dumps(doc),))

    def reserve(self, job_id: str, amounts: dict[str, Decimal], *, check: Any) -> Any:
        """Atomically: ``check(spent_today, reserved_today)`` → None to admit (the
        reservation is written) or a refusal returned as is. Holds across processes."""
        now = time.time()
        day = day_of(now)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                spent = self._sums("SELECT currency, amount FROM spend_ledger WHERE day = ?", day)
                reserved = self._sums_json("SELECT amounts FROM spend_reservations WHERE day = ?", day)
                refusal = check(spent, reserved)
                if refusal is None and amounts:
                    self._db.execute(
                        "INSERT OR REPLACE INTO spend_reservations (job_id, day, amounts, ts) VALUES (?,?,?,?)",
                        (job_id, day, json.dumps({k: str(v) for k, v in amounts.items()}), now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return refusal

    def reserved_ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT job_id FROM spend_reservations")]

    def settle(self, job_id: str) -> None:
        """The job ended: its reservation goes (what it spent is in the ledger)."""
        with self._lock:
            self._db.execute("DELETE FROM spend_reservations WHERE job_id = ?", (job_id,))

    def today(self) -> dict[str, dict[str, Decimal]]:
        day = day_of(time.time())
        with self._lock:
            return {"spent": self._sums("SELECT currency, amount FROM spend_ledger WHERE day = ?", day),
                    "reserved": self._sums_json("SELECT amounts FROM spend_reservations WHERE day = ?", day)}

    def _sums(self, sql: str, day: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for currency, amount in self._db.execute(sql, (day,)):
            if currency and amount is not None:
                out[currency] = out.get(currency, Decimal(0)) + Decimal(amount)
        return out

    def _sums_json(self, sql: str, day: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for (doc,) in self._db.execute(sql, (day,)):
            for currency, amount in json.loads(doc).items():
                out[currency] = out.get(currency, Decimal(0)) + Decimal(amount)
        return out


def _bucket() -> dict[str, Any]:
    return {"amounts": {}, "calls": 0, "unknown_calls": 0}


def _add(bucket: dict[str, Any], currency: str | None, amount: str | None) -> None:
    bucket["calls"] += 1
    if amount is None or not currency:
        bucket["unknown_calls"] += 1
        return
    bucket["amounts"][currency] = bucket["amounts"].get(currency, Decimal(0)) + Decimal(amount)


def _plain(bucket: dict[str, Any]) -> dict[str, Any]:
    return {"amounts": {c: float(v) for c, v in sorted(bucket["amounts"].items())},
            "calls": bucket["calls"], "unknown_calls": bucket["unknown_calls"]}
