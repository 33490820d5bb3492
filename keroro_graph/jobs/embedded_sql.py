"""The ``jobs`` table of the embedded store (jobs/embedded.py): its schema and migration,
the columns and the statements that read and write them, rows to records, opening the
SQLite file (and the sidecar lock that makes it single-process), and the WHERE and
ORDER BY of listings. Plain functions and constants; the store's state lives in
EmbeddedBackend."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from keroro_graph import jsonpieces
from keroro_graph.engine.run import JobFailure
from keroro_graph.errors import JobError
from keroro_graph.heap import large_work
from keroro_graph.jobs.backend import FINISHED, JobRecord, JobStatus
from keroro_graph.jobs.wire import failure_record

try:
    import fcntl
except ImportError:  # Windows: no sidecar lock; one process per store is then on trust.
    fcntl = None  # type: ignore[assignment]

MEMORY = ":memory:"
SCHEMA_VERSION = 1
SCHEMA_V1 = (
    # seq is the submission order; lease_seq and finish_seq order running and history.
    """CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, number REAL NOT NULL,
        status TEXT NOT NULL, prompt TEXT NOT NULL, extra_data TEXT NOT NULL, client_id TEXT,
        outputs_to_execute TEXT NOT NULL, node_errors TEXT NOT NULL, created_at REAL NOT NULL,
        started_at REAL, finished_at REAL, heartbeat_at REAL, worker_id TEXT,
        lease_seq INTEGER, finish_seq INTEGER, outputs TEXT NOT NULL, meta TEXT NOT NULL,
        messages TEXT NOT NULL, error TEXT)""",
    "CREATE INDEX jobs_queue ON jobs (status, number, seq)",
    "CREATE INDEX jobs_lease_order ON jobs (lease_seq)",
    "CREATE INDEX jobs_finish_order ON jobs (finish_seq)",
)
FIELDS = ("id", "number", "status", "prompt", "extra_data", "client_id", "outputs_to_execute",
           "node_errors", "created_at", "started_at", "finished_at", "worker_id", "outputs",
           "meta", "messages", "error")
JSON_FIELDS = frozenset({"prompt", "extra_data", "outputs_to_execute", "node_errors",
                          "outputs", "meta", "messages", "error"})
SELECT = f"SELECT {', '.join(FIELDS)} FROM jobs"
#: Left out of listings (``list(prompt=False)``): as large as the graph, never shown there.
LISTING_LEAVES_OUT = {"prompt": "'{}'", "meta": "'{}'", "outputs_to_execute": "'[]'"}
#: The same columns with those left out (a listing never reads or decodes them).
SELECT_NO_PROMPT = f"SELECT {', '.join(LISTING_LEAVES_OUT.get(f, f) for f in FIELDS)} FROM jobs"
#: Leasing is one statement: the first queued job (run order) becomes running.
LEASE = ("UPDATE jobs SET status = 'running', started_at = ?1, heartbeat_at = ?1, worker_id = ?2, "
          "lease_seq = ?3 WHERE seq = (SELECT seq FROM jobs WHERE status = 'queued' "
          f"ORDER BY number, seq LIMIT 1) RETURNING {', '.join(FIELDS)}")
INSERT = (f"INSERT OR IGNORE INTO jobs ({', '.join(FIELDS)}) "
           f"VALUES ({', '.join('?' * len(FIELDS))})")
_PHASE = "CASE status WHEN 'running' THEN 1 WHEN 'queued' THEN 2 ELSE 0 END"


def dump(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) and len(value) > 20_000:  # a large graph or outputs: in pieces
        return jsonpieces.dumps(value, depth=1)
    return json.dumps(value, separators=(",", ":"))


#: What ``text_rows`` reads through the blob API (the JSON columns that are never NULL)
#: and what with the row (the others; ``error`` is small).
BLOB_FIELDS = tuple(f for f in FIELDS if f in JSON_FIELDS and f != "error")
SCALARS = tuple(f for f in FIELDS if f not in BLOB_FIELDS)
SELECT_TEXT = f"SELECT seq, {', '.join(SCALARS)} FROM jobs"
#: Bytes read from a stored document at a time: a 15 MB value fetched with its row is
#: assembled and decoded in one call holding the GIL; through the blob API the store's
#: thread hands it back between pieces.
_PIECE = 1 << 18


def text_rows(db: sqlite3.Connection, query: str, params: tuple[Any, ...],
              fields: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a ``SELECT_TEXT`` query: scalar fields as they are, JSON fields (those
    named in ``fields``, all when None) as their stored UTF-8 text in byte pieces (see
    JobBackend.list_text)."""
    named = None if fields is None else frozenset(fields)
    wanted = BLOB_FIELDS if named is None else tuple(f for f in BLOB_FIELDS if f in named)
    rows = db.execute(query, params).fetchall()
    out = []
    for seq, *values in rows:
        row: dict[str, Any] = dict(zip(SCALARS, values))
        row["error"] = [b"null" if row["error"] is None else row["error"].encode()]
        for field in wanted:
            with db.blobopen("jobs", field, seq, readonly=True) as blob:
                row[field] = [blob.read(_PIECE) for _ in range(max(1, -(-len(blob) // _PIECE)))]
        out.append(row)
    return out


def record(row: tuple[Any, ...]) -> JobRecord:
    """A record from a row this store wrote (trusted: constructed, not re-validated).
    A row holding a large document is decoded as one large work (keroro_graph/heap.py),
    its smaller columns included."""
    if any(isinstance(v, str) and len(v) >= jsonpieces.LARGE // 4 for v in row):
        with large_work():
            return _record(row)
    return _record(row)


def _record(row: tuple[Any, ...]) -> JobRecord:
    data = {f: jsonpieces.loads(v, depth=1) if f in JSON_FIELDS and v is not None else v
            for f, v in zip(FIELDS, row)}
    data["status"] = JobStatus(data["status"])
    return JobRecord.model_construct(**data)


#: The error of a job its process left running: it stopped with the server.
_SERVER_STOPPED = dump(failure_record(JobFailure(
    exception_type="ServerStopped", exception_message="the server stopped while this job was running")))


def migrate(db: sqlite3.Connection, path: Path | None) -> None:
    """Create the schema, or refuse a store written by a newer version (JobError); one
    transaction, which the caller opens."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JobError(f"job store {path} has schema {version}; this version "
                       f"of Keroro Graph reads up to {SCHEMA_VERSION}")
    if version < 1:
        for statement in SCHEMA_V1:
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def interrupt_orphans(db: sqlite3.Connection, finish_seq: Callable[[], int]) -> list[str]:
    """Mark the jobs a dead process left ``running`` as ``interrupted`` (the server
    stopped), in lease order; their ids. One transaction, which the caller opens."""
    ids = [str(row[0]) for row in db.execute("SELECT id FROM jobs WHERE status = 'running' ORDER BY lease_seq")]
    for job_id in ids:
        db.execute("UPDATE jobs SET status = 'interrupted', finished_at = ?, error = ?, finish_seq = ? WHERE id = ?",
                   (time.time(), _SERVER_STOPPED, finish_seq(), job_id))
    return ids


def connect(path: Path | None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so each method is exactly
    # one transaction instead of whatever the sqlite3 module's implicit rules make it.
    db = sqlite3.connect(MEMORY if path is None else path, isolation_level=None,
                         check_same_thread=False)  # opened and used in the store's thread
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 2000")  # only an outside reader can ever hold a lock
    return db


def lock(path: Path) -> IO[bytes] | None:
    if fcntl is None:
        return None
    lock_file = open(path.with_name(path.name + ".lock"), "ab")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        raise JobError(f"job store {path} is already open in this or another process"
                       ) from None
    return lock_file


def chosen(statuses: Iterable[JobStatus] | None) -> set[JobStatus]:
    return set(JobStatus) if statuses is None else {JobStatus(s) for s in statuses}


def status_filter(statuses: set[JobStatus]) -> tuple[str, list[str]]:
    return f"status IN ({', '.join('?' * len(statuses))})", [s.value for s in statuses]


def order_by(statuses: set[JobStatus], newest_first: bool) -> str:
    """Only the keys the chosen statuses need, so a pure queue or history listing walks
    its index instead of sorting."""
    phases = {0 if s in FINISHED else 1 if s is JobStatus.RUNNING else 2 for s in statuses}
    keys = [_PHASE] if len(phases) > 1 else []
    if statuses & FINISHED:
        keys.append("finish_seq")
    if JobStatus.RUNNING in statuses:
        keys.append("lease_seq")
    if JobStatus.QUEUED in statuses:
        keys += ["number", "seq"]
    direction = " DESC" if newest_first else ""
    return ", ".join(key + direction for key in keys)


def listing(select: str, chosen: set[JobStatus], newest_first: bool) -> tuple[str, list[str]]:
    """A timeline query of ``chosen`` statuses (see EmbeddedBackend.list), its LIMIT and
    OFFSET left as the last two parameters."""
    where, params = status_filter(chosen)
    if chosen <= FINISHED:  # "+" steers SQLite to walk the finish index, not sort history
        where = "+" + where
    return f"{select} WHERE {where} ORDER BY {order_by(chosen, newest_first)} LIMIT ? OFFSET ?", params
