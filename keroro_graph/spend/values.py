"""Node output values to JSON plus content-addressed blobs, and back, for the
paid-result store. Scalars, strings, lists, tuples and string-keyed dicts stay JSON;
numpy arrays (IMAGE, MASK, AUDIO waveforms) become a blob of their raw bytes with
dtype and shape; a VIDEO keeps its file as a blob and comes back as a copy under
``restore_dir`` (a hard link when the filesystem allows). Anything else is refused
with Unstorable, and the store then keeps nothing for that call."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..video import Video

_MEDIA = {"video": Video}


class Unstorable(TypeError):
    """A value the store cannot keep (named by its type)."""


def encode(value: Any, blobs: dict[str, bytes | Path]) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value).tobytes()
        digest = hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"$nd": digest, "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, (list, tuple)):
        tag = "$list" if isinstance(value, list) else "$tuple"
        return {tag: [encode(v, blobs) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise Unstorable("a dict with non-string keys")
        return {"$dict": {k: encode(v, blobs) for k, v in value.items()}}
    for kind, cls in _MEDIA.items():
        if isinstance(value, cls):
            path = Path(value.path)
            digest = _file_digest(path)
            blobs[digest] = path
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(cls) if f.name != "path"}
            return {"$" + kind: digest, "suffix": path.suffix, "name": path.name,
                    "fields": encode(fields, blobs)}
    raise Unstorable(f"a {type(value).__module__}.{type(value).__qualname__}")


def decode(value: Any, blobs: dict[str, Path], restore_dir: Path) -> Any:
    if not isinstance(value, dict):
        return value
    if "$nd" in value:
        data = blobs[value["$nd"]].read_bytes()
        return np.frombuffer(data, dtype=np.dtype(value["dtype"])).reshape(value["shape"]).copy()
    if "$list" in value:
        return [decode(v, blobs, restore_dir) for v in value["$list"]]
    if "$tuple" in value:
        return tuple(decode(v, blobs, restore_dir) for v in value["$tuple"])
    if "$dict" in value:
        return {k: decode(v, blobs, restore_dir) for k, v in value["$dict"].items()}
    for kind, cls in _MEDIA.items():
        if "$" + kind in value:
            path = _restore(blobs[value["$" + kind]], restore_dir, value["$" + kind], value.get("suffix", ""))
            return cls(path=path, **decode(value.get("fields") or {"$dict": {}}, blobs, restore_dir))
    raise ValueError(f"unknown stored value {sorted(value)[:3]}")


def _restore(blob: Path, restore_dir: Path, digest: str, suffix: str) -> Path:
    target = restore_dir / f"{digest[:24]}{suffix}"
    if target.exists():
        return target
    restore_dir.mkdir(parents=True, exist_ok=True)
    # One temporary name per thread: two threads restoring the same file at once must
    # never share one, or the second would copy onto the first's hard link (the blob).
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(blob, tmp)
    except OSError:
        shutil.copyfile(blob, tmp)
    os.replace(tmp, target)
    return target


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
