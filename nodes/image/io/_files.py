"""File handling shared by LoadImage, SaveImage and PreviewImage: resolving a
user-supplied name inside one of the user folders without ever escaping it, listing
the images a LoadImage combo offers, and writing PNG frames with ComfyUI's file names
(``<prefix>_<counter:05>_.png``) and metadata chunks (``prompt``, ``workflow``).

Every name that comes from a graph is untrusted: absolute paths, drive letters and
``..`` are refused outright, and the resolved path (after symlinks) must still lie
inside the folder.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
from PIL.PngImagePlugin import PngInfo

from keroro_graph.api import NodeContext, Paths, media

#: File suffixes LoadImage offers and accepts.
IMAGE_SUFFIXES = frozenset({".png", ".apng", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"})



def resolve_inside(root: Path, name: str, what: str) -> Path:
    """``root / name`` resolved, or ValueError (naming ``what``) when ``name`` is empty,
    absolute, contains ``..`` or resolves (through a symlink) outside ``root``."""
    text = str(name).replace("\\", "/")
    relative = PurePosixPath(text)
    if "\x00" in text or relative.is_absolute() or PureWindowsPath(str(name)).drive:
        raise ValueError(f"{what} {name!r} must be a relative path inside the {root.name} folder")
    if ".." in relative.parts:
        raise ValueError(f"{what} {name!r} may not contain '..'; it must stay inside the {root.name} folder")
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"{what} {name!r} points outside the {root.name} folder")
    return target


def annotated_path(paths: Paths, name: str, what: str = "image") -> Path:
    """Where a loader's file value points: the input folder unless the name ends with
    `` [output]`` or `` [temp]`` (ComfyUI's annotation)."""
    bare, folder = Paths.split_annotation(str(name), "input")
    if not bare.strip():
        raise ValueError(f"{what} is empty; choose or upload a {what} file")
    return resolve_inside(paths.folder(folder), bare, what)


def list_files(ctx: Any, suffixes: frozenset[str]) -> list[str]:
    """The files with one of ``suffixes`` under ``ctx.paths.input`` (subfolders
    included, as ``sub/x.png``), sorted; hidden files and folders are skipped. Empty
    when there is no context."""
    paths = getattr(ctx, "paths", None)
    if paths is None or not paths.input.is_dir():
        return []
    root = paths.input
    names = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in suffixes and path.is_file():
            names.append(relative.as_posix())
    return sorted(names)


def list_images(ctx: Any) -> list[str]:
    """The image files a LoadImage combo offers."""
    return list_files(ctx, IMAGE_SUFFIXES)


def check_file(ctx: Any, name: str, what: str) -> bool | str:
    """A loader's VALIDATE_INPUTS answer: True, or why ``name`` is no usable file."""
    try:
        path = annotated_path(ctx.paths, name, what)
    except ValueError as exc:
        return str(exc)
    return True if path.is_file() else f"Invalid {what} file: {name}"


def modified_time(ctx: NodeContext, name: str, what: str) -> str:
    """ComfyUI's fingerprint for big media files: the modification time, not a hash."""
    try:
        return str(annotated_path(ctx.paths, name, what).stat().st_mtime_ns)
    except (OSError, ValueError):
        return f"unavailable:{name}"


def png_metadata(ctx: NodeContext) -> PngInfo:
    """tEXt chunks ComfyUI writes: ``prompt`` (the API graph) and one chunk per key of
    extra_pnginfo (normally ``workflow``), each as JSON."""
    info = PngInfo()
    if ctx.prompt is not None:
        info.add_text("prompt", json.dumps(ctx.prompt))
    for key, value in (ctx.extra_pnginfo or {}).items():
        info.add_text(str(key), json.dumps(value))
    return info


def expand_prefix(prefix: str, width: int, height: int) -> str:
    """ComfyUI's server-side prefix variables: %width%, %height% and the local date
    and time parts %year% %month% %day% %hour% %minute% %second%."""
    now = time.localtime()
    values = {
        "width": str(width), "height": str(height), "year": str(now.tm_year),
        "month": f"{now.tm_mon:02}", "day": f"{now.tm_mday:02}", "hour": f"{now.tm_hour:02}",
        "minute": f"{now.tm_min:02}", "second": f"{now.tm_sec:02}",
    }
    for key, value in values.items():
        prefix = prefix.replace(f"%{key}%", value)
    return prefix


def next_counter(folder: Path, stem: str) -> int:
    """One past the highest counter among ``<stem>_<digits>_*`` and ``<stem>_<digits>.*``
    files in ``folder`` (SaveText and SaveImageAdvanced leave out the underscore)."""
    pattern = re.compile(re.escape(stem) + r"_(\d+)[_.]")
    highest = 0
    if folder.is_dir():
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            if match:
                highest = max(highest, int(match.group(1)))
    return highest + 1


class SaveTarget:
    """Where a save node writes: ``folder`` (inside ``root``), the ``subfolder`` the ui
    entry names, the file ``stem`` and the next counter. ``prefix`` may hold a
    subfolder; raises ValueError when it would leave ``root``."""

    def __init__(self, root: Path, prefix: str, *, kind: str, width: int = 0, height: int = 0) -> None:
        prefix = expand_prefix(prefix, width, height)
        subfolder, _, self.stem = prefix.replace("\\", "/").rpartition("/")
        base = root.resolve()
        self.folder = resolve_inside(root, subfolder, "filename_prefix") if subfolder else base
        self.subfolder = "" if self.folder == base else self.folder.relative_to(base).as_posix()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counter = next_counter(self.folder, self.stem)
        self.kind = kind

    def claim(self, ext: str, batch_number: int = 0, *, trailing: str = "_") -> tuple[Path, dict[str, str]]:
        """Create the next free ``<stem>_<counter:05><trailing>.<ext>`` exclusively (save nodes
        run concurrently and two with one prefix see the same counter; the loser moves
        on) and return it with its ui entry."""
        stem = self.stem.replace("%batch_num%", str(batch_number))
        while True:
            name = f"{stem}_{self.counter:05}{trailing}.{ext}"
            self.counter += 1
            try:
                (self.folder / name).open("xb").close()
                return self.folder / name, {"filename": name, "subfolder": self.subfolder, "type": self.kind}
            except FileExistsError:
                continue


def save_frames(ctx: NodeContext, images: np.ndarray, *, root: Path, prefix: str, kind: str,
                compress_level: int) -> list[dict[str, str]]:
    """Write each frame of ``images`` as a PNG under ``root`` and return ComfyUI's ui
    entries ``{"filename", "subfolder", "type": kind}``."""
    height, width = images.shape[1:3]
    target = SaveTarget(root, prefix, kind=kind, width=width, height=height)
    metadata = png_metadata(ctx)
    saved = []
    for batch_number, frame in enumerate(images):
        ctx.check_cancelled()
        path, entry = target.claim("png", batch_number)
        with path.open("wb") as stream:
            media.to_pil(frame).save(stream, "PNG", pnginfo=metadata, compress_level=compress_level)
        saved.append(entry)
    return saved
