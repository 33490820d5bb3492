"""The paid-result store: what paid nodes produced, on disk, so no call is paid twice.

One entry per provider call, keyed by the node's cache signature and the call's index
(list mapping makes one call per item), so the same node with the same inputs is
served after a restart, by any job and any worker sharing the folder. Arrays and media
files are kept once each, named by their SHA-256 (``blobs/``); an entry (``entries/``)
is a small JSON document naming them, with a digest of itself. Every write goes to a
temporary file and is renamed into place; a reader verifies the entry's digest and
every blob's hash and deletes what does not match (the node then runs again, never
serving a corrupt result). The folder is bounded by a byte budget: least recently
used entries (their file times, touched on every hit) go first, then the blobs no
entry names. Blocking I/O: call from a worker thread, except ``has``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..registry.spec import NodeOutput
from .values import Unstorable, decode, encode

log = logging.getLogger(__name__)

VERSION = 1


@dataclass(frozen=True, slots=True)
class EntryInfo:
    key: str
    class_type: str
    created: float
    used: float
    size_bytes: int


class PaidStore:
    def __init__(self, root: Path, *, max_bytes: int, restore_dir: Path) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.restore_dir = Path(restore_dir)
        self._entries = self.root / "entries"
        self._blobs = self.root / "blobs"
        self._lock = threading.Lock()
        self._bytes: int | None = None
        self.hits = self.misses = self.corrupt = 0

    # --- keys and lookup --------------------------------------------------------------
    @staticmethod
    def key(sig: bytes, index: int) -> str:
        return hashlib.blake2b(sig + b"#%d" % index, digest_size=20).hexdigest()

    def _entry_path(self, key: str) -> Path:
        return self._entries / key[:2] / f"{key}.json"

    def _blob_path(self, digest: str) -> Path:
        return self._blobs / digest[:2] / digest

    def has(self, key: str) -> bool:
        """Whether an entry exists (one stat; safe on the event loop)."""
        return os.path.exists(self._entry_path(key))

    def link(self, alias: str, key: str) -> None:
        """Remember that ``alias`` (a node signature and call index) names ``key``, so an
        estimate can tell a stored call before the run computes its inputs."""
        path = self._entries / alias[:2] / f"{alias}.alias"
        try:
            if path.read_text() == key:
                return
        except OSError:
            pass
        write_atomic(path, key.encode())

    def has_alias(self, alias: str) -> bool:
        """Whether ``alias`` (or an entry of that name) leads to a stored entry."""
        if self.has(alias):
            return True
        try:
            return self.has((self._entries / alias[:2] / f"{alias}.alias").read_text().strip())
        except OSError:
            return False

    def load(self, key: str) -> NodeOutput | None:
        """The stored output, or None when absent or corrupt (a corrupt entry is removed)."""
        path = self._entry_path(key)
        try:
            doc = json.loads(path.read_bytes())
            body = doc["body"]
            if _digest(body) != doc["digest"] or body.get("version") != VERSION:
                raise ValueError("entry digest mismatch")
            blobs = {d: self._verified_blob(d) for d in body["blobs"]}
            values = tuple(decode(v, blobs, self.restore_dir) for v in body["values"])
            ui = decode(body["ui"], blobs, self.restore_dir) if body.get("ui") is not None else None
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as exc:  # anything unreadable is recomputed, never served
            self.corrupt += 1
            log.warning("paid-result store: entry %s is unreadable (%s); it will be recomputed", key, exc)
            self._remove(path)
            return None
        self.hits += 1
        _touch(path)
        return NodeOutput(values=values, ui=ui)

    def _verified_blob(self, digest: str) -> Path:
        path = self._blob_path(digest)
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != digest:
            self._remove(path)
            raise ValueError(f"blob {digest[:12]} does not match its hash")
        return path

    # --- writing ----------------------------------------------------------------------
    def save(self, key: str, output: NodeOutput, *, class_type: str) -> bool:
        """Keep ``output`` under ``key``; False when a value cannot be stored (logged)."""
        blobs: dict[str, bytes | Path] = {}
        try:
            values = [encode(v, blobs) for v in output.values]
            ui = encode(output.ui, blobs) if output.ui is not None else None
        except Unstorable as exc:
            log.info("paid-result store: %s output not stored (%s)", class_type, exc)
            return False
        added = 0
        for digest, data in blobs.items():
            added += self._write_blob(digest, data)
        body = {"version": VERSION, "class_type": class_type, "created": time.time(),
                "values": values, "ui": ui, "blobs": sorted(blobs)}
        doc = json.dumps({"body": body, "digest": _digest(body)}, separators=(",", ":")).encode()
        write_atomic(self._entry_path(key), doc)
        self._account(added + len(doc))
        return True

    def _write_blob(self, digest: str, data: bytes | Path) -> int:
        path = self._blob_path(digest)
        if path.exists():
            return 0
        if isinstance(data, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            shutil.copyfile(data, tmp)
            os.replace(tmp, path)
        else:
            write_atomic(path, data)
        return path.stat().st_size

    def _account(self, added: int) -> None:
        with self._lock:
            if self._bytes is None:
                self._bytes = self.size()
            else:
                self._bytes += added
            over = self._bytes > self.max_bytes
        if over:
            self.prune(max_bytes=int(self.max_bytes * 0.9))

    # --- listing and pruning -----------------------------------------------------------
    def entries(self) -> list[EntryInfo]:
        """Every entry, least recently used first."""
        out = []
        for path in self._entries.glob("*/*.json"):
            try:
                stat = path.stat()
                body = json.loads(path.read_bytes())["body"]
                size = stat.st_size + sum(self._blob_size(d) for d in body["blobs"])
                out.append(EntryInfo(key=path.stem, class_type=str(body.get("class_type")),
                                     created=float(body.get("created", 0)), used=stat.st_mtime, size_bytes=size))
            except (OSError, ValueError, KeyError, TypeError):
                out.append(EntryInfo(key=path.stem, class_type="(unreadable)", created=0, used=0, size_bytes=0))
        return sorted(out, key=lambda e: e.used)

    def _blob_size(self, digest: str) -> int:
        try:
            return self._blob_path(digest).stat().st_size
        except OSError:
            return 0

    def size(self) -> int:
        """Bytes on disk (entries and blobs)."""
        total = 0
        for folder in (self._entries, self._blobs):
            for path in folder.glob("*/*"):
                if path.name.startswith("."):
                    continue  # a write in progress
                try:
                    total += path.stat().st_size
                except OSError:  # removed meanwhile (another worker pruning)
                    continue
        return total

    def prune(self, *, max_bytes: int | None = None, older_than_s: float | None = None,
              everything: bool = False) -> dict[str, int]:
        """Remove entries (least recently used first) until the store fits ``max_bytes``,
        those unused for ``older_than_s``, or all; then blobs no entry names."""
        with self._lock:
            entries = self.entries()
            now, removed = time.time(), 0
            total = self.size()
            for entry in entries:
                stale = older_than_s is not None and now - entry.used > older_than_s
                over = max_bytes is not None and total > max_bytes
                if everything or stale or over or entry.class_type == "(unreadable)":
                    self._remove(self._entry_path(entry.key))
                    total -= entry.size_bytes
                    removed += 1
            freed = self._sweep_blobs()
            self._bytes = self.size()
            return {"entries_removed": removed, "blobs_removed": freed, "bytes": self._bytes}

    def _sweep_blobs(self) -> int:
        for alias in self._entries.glob("*/*.alias"):
            try:
                if not self.has(alias.read_text().strip()):
                    self._remove(alias)
            except OSError:
                continue
        named: set[str] = set()
        for path in self._entries.glob("*/*.json"):
            try:
                named.update(json.loads(path.read_bytes())["body"]["blobs"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        freed = 0
        for path in self._blobs.glob("*/*"):
            if path.name not in named and not path.name.startswith("."):
                self._remove(path)
                freed += 1
        return freed

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass


def _digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass
