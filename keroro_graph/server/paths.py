"""Confinement and safe writes for every file a client names (the input, output and
temp folders, and the per-user data folder). A client-given path is checked as text
first: NUL or other control characters, backslashes, still-encoded separators and
over-long names are malformed (400); absolute paths and ``..`` try to leave the folder
(403). The joined path is then resolved with symlinks followed and must stay inside
the resolved base folder (403). Writes go to a temporary file beside the target and
land with ``os.replace`` (or a hard link when an existing file must not be clobbered),
so a reader never sees half a file. Served files are labelled here too: active types
(HTML, scripts, CSS, SVG/XML) are sent as ``application/octet-stream``. This module
knows the HTTP status of a refusal and nothing else about requests."""
from __future__ import annotations

import mimetypes
import os
import re
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote

from .errors import fail

#: Longest single file or folder name, in UTF-8 bytes (the usual file-system limit).
MAX_NAME_BYTES = 255
#: Longest relative path a client may give.
MAX_PATH_CHARS = 1024
_ENCODED = re.compile(r"%(?:2f|5c|00|2e)", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ACTIVE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/javascript",
                           "application/javascript", "text/css", "image/svg+xml",
                           "application/xml", "text/xml"})


def relative_parts(value: str, *, what: str) -> tuple[str, ...]:
    """Split a client-given relative path on ``/`` into checked names (empty and
    ``.`` parts dropped). Raises a 400 for malformed text, a 403 for an absolute
    path or ``..``; ``what`` names the field in the message."""
    _check_text(value, what=what)
    if value.startswith("/") or _DRIVE.match(value):
        fail(403, f"{what} is an absolute path; give a path relative to its folder")
    parts = tuple(p for p in value.split("/") if p not in ("", "."))
    if ".." in parts:
        fail(403, f"{what} tries to leave its folder with '..'")
    if any(len(p.encode()) > MAX_NAME_BYTES for p in parts):
        fail(400, f"{what} has a name longer than {MAX_NAME_BYTES} bytes")
    return parts


def plain_name(value: str, *, what: str) -> str:
    """A single file name (no folders), checked as :func:`relative_parts` does."""
    if not value:
        fail(400, f"{what} is empty")
    if "/" in value:
        _check_text(value, what=what)
        fail(400, f"{what} must be a plain file name without '/'; put folders in 'subfolder'")
    parts = relative_parts(value, what=what)
    if len(parts) != 1:
        fail(400, f"{what} {value!r} is not a file name")
    return parts[0]


def _check_text(value: str, *, what: str) -> None:
    if "\x00" in value:
        fail(400, f"{what} contains a NUL byte")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        fail(400, f"{what} contains control characters or invalid UTF-8")
    if "\\" in value:
        fail(400, f"{what} contains a backslash; separate folders with '/'")
    if match := _ENCODED.search(value):
        fail(400, f"{what} still contains an encoded separator or dot ({match.group()}); "
                  "encode the path only once")
    if len(value) > MAX_PATH_CHARS:
        fail(400, f"{what} is longer than {MAX_PATH_CHARS} characters")


def confined(base: Path, parts: Sequence[str], *, what: str) -> Path:
    """``base`` joined with checked ``parts`` and resolved (symlinks followed); a 403
    when the result lies outside the resolved ``base``. The path need not exist."""
    root = base.resolve()
    try:
        target = root.joinpath(*parts).resolve()
    except (OSError, RuntimeError):
        fail(400, f"{what} cannot be resolved (a symlink loop?)")
    if not target.is_relative_to(root):
        fail(403, f"{what} leads outside its folder through a symlink")
    return target


@contextmanager
def staged(folder: Path, data: bytes) -> Iterator[Path]:
    """``data`` in a hidden temporary file inside ``folder``, removed on exit unless
    it was moved into place. Blocking; call from a worker thread for large data."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".kg-", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o644)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def link_new(source: Path, path: Path) -> bool:
    """Give ``source``'s content the name ``path`` unless ``path`` already exists;
    False when it does. Race-free where hard links work; elsewhere a check then
    ``os.replace`` (which consumes ``source``)."""
    try:
        os.link(source, path)
        return True
    except FileExistsError:
        return False
    except OSError:
        if path.exists() or path.is_symlink():
            return False
        os.replace(source, path)
        return True


def same_content(path: Path, data: bytes) -> bool:
    """Whether the regular file (not symlink) at ``path`` holds exactly ``data``."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        view, offset = memoryview(data), 0
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                if view[offset:offset + len(chunk)] != chunk:
                    return False
                offset += len(chunk)
        return offset == len(data)
    except OSError:
        return False


#: Media types the system's table may lack (the browser needs them to play the file).
_MEDIA_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
                ".mkv": "video/x-matroska", ".flac": "audio/flac", ".mp3": "audio/mpeg", ".wav": "audio/wav",
                ".ogg": "audio/ogg", ".opus": "audio/ogg", ".m4a": "audio/mp4", ".aac": "audio/aac"}


def served_type(name: str) -> str:
    """The MIME type to send ``name`` as: guessed, with active content downgraded to
    ``application/octet-stream`` so the browser never runs it on our origin."""
    mime = _MEDIA_TYPES.get(os.path.splitext(name)[1].lower()) or mimetypes.guess_type(name)[0] \
        or "application/octet-stream"
    return "application/octet-stream" if is_active(mime) else mime


def is_active(mime: str | None) -> bool:
    """Content a browser could run on our origin (HTML, scripts, SVG, XML…)."""
    return mime is not None and (mime in _ACTIVE_TYPES or mime.endswith("+xml"))


def content_disposition(name: str, kind: str | None = None) -> str:
    """As ComfyUI writes it: ``[kind; ]filename="…"`` (quotes and backslashes escaped);
    a name that is not plain printable ASCII also gets RFC 5987's ``filename*`` with
    the exact UTF-8 name beside an ASCII fallback."""
    prefix = f"{kind}; " if kind else ""
    if all(32 <= ord(c) < 127 for c in name):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'{prefix}filename="{escaped}"'
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    return f"{prefix}filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
