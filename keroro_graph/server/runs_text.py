"""``/api/runs`` answers composed from the job store's stored JSON text
(JobBackend.list_text) instead of decoded records: a 200k-node job's outputs (100k
entries, ~3 MB) are passed on as the bytes that were stored, never decoded, walked or
encoded again. The answer means exactly what ``routes/runs.job_json`` would give.

Records are scrubbed when they are stored, but a key stored (or a credential sent) after
a job ran is not in them, so the composed text is still asked whether it may hold a
secret, a window at a time (windows overlap, so a value across two pieces is seen
whole); when it may, the caller answers from decoded records, scrubbed as before."""
from __future__ import annotations

import codecs
import contextlib
import json
import re
import time
from typing import Any, Callable, Iterable, Iterator

from .. import jsonpieces
from ..heap import large_work
from ..jobs.wire import messages_items, plain_number

#: The JSON fields a listing reads (``prompt`` and ``extra_data`` are shown only on request).
LISTED = ("outputs", "node_errors", "messages", "extra_data")
WITH_PROMPT = (*LISTED, "prompt")
#: Characters asked about at a time, and how many of the previous window's last ones
#: are asked about again with it (a secret, or a token shape, across two stored pieces:
#: longer than any key or token a provider issues).
_WINDOW = 1 << 18
_OVERLAP = 1 << 16
_ESCAPE = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u([0-9a-f]{4})", re.IGNORECASE)


def job_text(row: dict[str, Any], *, include_prompt: bool = False, now: float | None = None) -> list[bytes]:
    """One job (a ``list_text`` row) as the JSON text ``job_json`` gives, in pieces."""
    started = row["started_at"]
    extra = _loads(row["extra_data"])
    name = extra.get("workflow_name") if isinstance(extra, dict) else None
    messages = b"".join(row["messages"])
    head = {"id": row["id"], "status": row["status"], "number": plain_number(row["number"]),
            "client_id": row["client_id"], "created_at": row["created_at"], "started_at": started,
            "finished_at": row["finished_at"],
            "duration_s": duration_s(started, row["finished_at"], now)}
    pieces = [json.dumps(head)[:-1].encode(), b',"outputs":', *row["outputs"], b',"error":', *row["error"],
              b',"node_errors":', *row["node_errors"], b',"workflow_name":',
              json.dumps(name if isinstance(name, str) else None).encode(), b',"items":',
              # a batch's items are in its execution_items message (most jobs have none)
              json.dumps(messages_items(json.loads(messages)) if b"execution_items" in messages else None).encode()]
    if include_prompt:
        pieces += [b',"prompt":', *row["prompt"], b',"extra_data":', *row["extra_data"]]
    pieces.append(b"}")
    return pieces


def duration_s(started: float | None, finished: float | None, now: float | None = None) -> float | None:
    """A job's run time: so far for a running one, None for one not yet started."""
    if started is None:
        return None
    end = finished if finished is not None else (time.time() if now is None else now)
    return round(end - started, 3)


def listing_text(rows: list[dict[str, Any]], *, include_prompt: bool, total: int, limit: int,
                 offset: int) -> list[bytes]:
    """``GET /api/runs``'s answer: ``{"jobs": [...], "total", "limit", "offset"}``."""
    now = time.time()
    pieces = [b'{"jobs":[']
    for index, row in enumerate(rows):
        if index:
            pieces.append(b",")
        pieces += job_text(row, include_prompt=include_prompt, now=now)
    pieces.append(f'],"total":{json.dumps(total)},"limit":{json.dumps(limit)},'
                  f'"offset":{json.dumps(offset)}}}'.encode())
    return pieces


def unless_secret(make: Callable[[], list[bytes]], redact: Callable[[Any], Any]) -> list[bytes] | None:
    """``make()``'s pieces, or None when their text may hold a secret (``redact`` is a
    scrub that returns a text it leaves alone as the same object, Secrets.redact_json)
    or is not UTF-8. Meant for a worker thread."""
    pieces = make()
    with large_work() if sum(map(len, pieces)) >= jsonpieces.LARGE else contextlib.nullcontext():
        try:
            for window in _windows(pieces):
                if redact(window) is not window:
                    return None
                if "\\u" in window and redact(plain := _unescaped(window)) is not plain:
                    return None  # stored text writes non-ASCII as \\uXXXX; secrets are asked about as they are
        except UnicodeDecodeError:
            return None
        return pieces


def _windows(pieces: Iterable[bytes]) -> Iterator[str]:
    """The UTF-8 text of ``pieces`` in windows of about _WINDOW characters, each starting
    with the previous window's last _OVERLAP characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail, buffer, size = "", [], 0
    for piece in pieces:
        text = decoder.decode(piece)
        buffer.append(text)
        size += len(text)
        if size >= _WINDOW:
            window = tail + "".join(buffer)
            yield window
            tail, buffer, size = window[-_OVERLAP:], [], 0
    window = tail + "".join(buffer) + decoder.decode(b"", final=True)
    yield window


def _unescaped(text: str) -> str:
    """``text`` with JSON's ``\\uXXXX`` escapes (surrogate pairs too) written as the characters."""
    def char(match: re.Match[str]) -> str:
        if match.group(3) is not None:
            return chr(int(match.group(3), 16))
        high, low = int(match.group(1), 16), int(match.group(2), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return _ESCAPE.sub(char, text)


def _loads(pieces: list[bytes]) -> Any:
    return jsonpieces.loads(b"".join(pieces), depth=1)  # one json.loads call when small
