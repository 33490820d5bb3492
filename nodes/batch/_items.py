"""What the batch nodes share: finding files under the input folder without leaving
it, and the cap on how many items one batch may hold."""
from __future__ import annotations

from pathlib import Path

#: More items than this in one batch is refused (a typo such as ``**/*`` on a big tree
#: must not claim unbounded memory).
MAX_ITEMS = 10_000


def folder_files(input_dir: Path, folder: str, pattern: str) -> list[Path]:
    """The files under ``input/<folder>`` matching ``pattern``, sorted by name.
    Raises ValueError naming the problem (outside the input folder, missing, too many)."""
    base = input_dir.resolve()
    root = (base / folder.strip()).resolve() if folder.strip() else base
    if not root.is_relative_to(base):
        raise ValueError(f"folder {folder!r} is outside the input folder")
    if not root.is_dir():
        raise ValueError(f"folder {folder!r} does not exist in the input folder")
    glob = pattern.strip() or "*"
    if ".." in Path(glob).parts or Path(glob).is_absolute():
        raise ValueError(f"pattern {pattern!r} may not leave the folder")
    found = []
    for path in sorted(root.glob(glob)):
        if path.is_file() and path.resolve().is_relative_to(base):
            found.append(path)
            if len(found) > MAX_ITEMS:
                raise ValueError(f"more than {MAX_ITEMS} files match {glob!r} in {folder or 'input'}")
    return found


def check_count(count: int, what: str) -> int:
    if count == 0:
        raise ValueError(f"{what} is empty: a batch needs at least one item")
    if count > MAX_ITEMS:
        raise ValueError(f"{what} has {count} items; a batch holds at most {MAX_ITEMS}")
    return count
