"""Writes that matter, in one place: ``write_atomic`` replaces a file so that readers
see the old content or the new, never half of either, and a crash leaves no partial
file behind. Used for secrets, settings, workflows, uploads, user data and the
paid-result store."""
from __future__ import annotations

import os
import uuid
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, created
    with ``mode`` (so a secret is never readable by others, not even for a moment),
    fsynced, then ``os.replace``-d over ``path``. A private ``mode`` (no group/other
    bits) is applied exactly; a wider one is narrowed by the umask as usual. The
    folder is created when missing; the temporary file never outlives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not mode & 0o077:
            os.chmod(tmp, mode)  # exactly, whatever the umask took away
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
