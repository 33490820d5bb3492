"""The spend ledger and budget state, durable in SQLite (the embedded job store's
database file, in tables of their own; a file of its own beside it when jobs live in
Redis): every paid call (job, node, provider, model, currency, estimated amount, the
provider's reported usage, and whether it succeeded), the budget limits, and the reservations of jobs admitted
but not finished, so that limits hold across concurrent jobs and processes on one
host. Every method is blocking and runs in one transaction; callers use a worker
thread (``Spend`` does).

A call the provider accepted that then failed, timed out, was cancelled or whose
create answer was lost is recorded with that ``status``: the provider may charge it.
Reports keep such calls apart (``maybe_charged``) from what succeeded (``amounts``);
the daily budget counts both, since nothing here can tell whether it was charged.
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
    amount TEXT, item INTEGER NOT NULL DEFAULT 0, usage TEXT, basis TEXT,
    status TEXT NOT NULL DEFAULT 'succeeded');
CREATE INDEX IF NOT EXISTS spend_ledger_ts ON spend_ledger (ts);
CREATE TABLE IF NOT EXISTS spend_reservations (
    job_id TEXT PRIMARY KEY, day TEXT NOT NULL, amounts TEXT NOT NULL, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS spend_budget (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
"""


SUCCEEDED = "succeeded"


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
    #: "succeeded", or failed / timed_out / cancelled / uncertain (accepted, no result).
    status: str = SUCCEEDED


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
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(spend_ledger)")}
        if "status" not in columns:  # a ledger written before statuses were kept: all succeeded
            self._db.execute("ALTER TABLE spend_ledger ADD COLUMN status TEXT NOT NULL DEFAULT 'succeeded'")
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    # --- the ledger ---------------------------------------------------------------------
    def record(self, charges: Iterable[Charge], *, ts: float | None = None) -> None:
        now = time.time() if ts is None else ts
        rows = [(now, day_of(now), c.job_id, c.node_id, c.class_type, c.provider, c.model, c.currency,
                 None if c.amount is None else str(c.amount), c.item,
                 json.dumps(c.usage) if c.usage else None, c.basis, c.status) for c in charges]
        with self._lock:
            self._db.executemany(
                "INSERT INTO spend_ledger (ts, day, job_id, node_id, class_type, provider, model, currency, "
                "amount, item, usage, basis, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def query(self, *, since: float | None, until: float | None, group_by: str | None) -> dict[str, Any]:
        """Totals per currency of succeeded calls (``amounts``) and of accepted calls
        without a result (``maybe_charged``), the number of calls, unknown-priced calls
        and calls per status, and the same per ``group_by`` (provider | day | job)."""
        where, args = "WHERE ts >= ? AND ts < ?", [since or 0.0, until or 1e18]
        column = {"provider": "COALESCE(provider, '')", "day": "day", "job": "job_id", None: "''"}[group_by]
        with self._lock:
            rows = self._db.execute(
                f"SELECT {column}, currency, amount, status FROM spend_ledger {where}", args).fetchall()
        groups: dict[str, dict[str, Any]] = {}
        total = _bucket()
        for group, currency, amount, status in rows:
            for bucket in ([total, groups.setdefault(group, _bucket())] if group_by else [total]):
                _add(bucket, currency, amount, status)
        out = {"total": _plain(total)}
        if group_by:
            out["groups"] = {g: _plain(b) for g, b in sorted(groups.items())}
        return out

    def calls(self, *, since: float | None = None, until: float | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, job_id, node_id, class_type, provider, model, currency, amount, item, usage, basis, "
                "status "
                "FROM spend_ledger WHERE ts >= ? AND ts < ? ORDER BY id DESC LIMIT ?",
                (since or 0.0, until or 1e18, limit)).fetchall()
        keys = ("ts", "job_id", "node_id", "class_type", "provider", "model", "currency", "amount", "item",
                "usage", "basis", "status")
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

    def reserved_ids(self) -> list[tuple[str, float]]:
        """(job id, when its reservation was made) of every reservation held."""
        with self._lock:
            return [(row[0], row[1]) for row in self._db.execute("SELECT job_id, ts FROM spend_reservations")]

    def settle(self, job_id: str) -> None:
        """The job ended: its reservation goes (what it spent is in the ledger)."""
        with self._lock:
            self._db.execute("DELETE FROM spend_reservations WHERE job_id = ?", (job_id,))

    def today(self) -> dict[str, dict[str, Decimal]]:
        """Today's succeeded spend, accepted calls without a result, and reservations."""
        day = day_of(time.time())
        sql = "SELECT currency, amount FROM spend_ledger WHERE day = ? AND status {} 'succeeded'"
        with self._lock:
            return {"spent": self._sums(sql.format("="), day), "maybe_charged": self._sums(sql.format("!="), day),
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
    return {"amounts": {}, "maybe_charged": {}, "calls": 0, "unknown_calls": 0, "statuses": {}}


def _add(bucket: dict[str, Any], currency: str | None, amount: str | None, status: str) -> None:
    bucket["calls"] += 1
    bucket["statuses"][status] = bucket["statuses"].get(status, 0) + 1
    if amount is None or not currency:
        bucket["unknown_calls"] += 1
        return
    sums = bucket["amounts"] if status == SUCCEEDED else bucket["maybe_charged"]
    sums[currency] = sums.get(currency, Decimal(0)) + Decimal(amount)


def _plain(bucket: dict[str, Any]) -> dict[str, Any]:
    return {"amounts": {c: float(v) for c, v in sorted(bucket["amounts"].items())},
            "maybe_charged": {c: float(v) for c, v in sorted(bucket["maybe_charged"].items())},
            "calls": bucket["calls"], "unknown_calls": bucket["unknown_calls"],
            "statuses": dict(sorted(bucket["statuses"].items()))}
