"""Socket types: the names that flow along links, their Python annotations, and the
rule that decides whether an output may feed an input.

``IMAGE`` is a float32 numpy array ``[batch, height, width, channels]`` in 0..1,
``MASK`` is ``[batch, height, width]`` (ComfyUI's layouts); ``VIDEO`` and ``AUDIO`` are
file references with metadata. Any other upper-case name a pack declares is a socket
type too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Socket:
    """Marks an annotation as a socket of the named type (used inside ``Annotated``)."""

    name: str


def socket(name: str, python_type: Any = object) -> Any:
    """An annotation for a custom socket type: ``MY_TYPE = socket("MY_TYPE")``."""
    return Annotated[python_type, Socket(name)]


@dataclass(frozen=True, slots=True)
class VideoRef:
    """A video on disk and what is known about it."""

    path: Path
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    fps: float | None = None
    format: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class AudioRef:
    """An audio file on disk and what is known about it."""

    path: Path
    duration_s: float | None = None
    sample_rate: int | None = None
    format: str | None = None


IMAGE = Annotated[np.ndarray, Socket("IMAGE")]
MASK = Annotated[np.ndarray, Socket("MASK")]
LATENT = Annotated[dict, Socket("LATENT")]
VIDEO = Annotated[VideoRef, Socket("VIDEO")]
AUDIO = Annotated[AudioRef, Socket("AUDIO")]
ANY = Annotated[Any, Socket("*")]

#: Python scalar annotations that become widget types.
SCALAR_TYPES: dict[type, str] = {bool: "BOOLEAN", int: "INT", float: "FLOAT", str: "STRING"}


def types_compatible(received: str, expected: str) -> bool:
    """ComfyUI's link rule: equal, either side ``*``, or comma-separated unions that
    share a member (``"IMAGE,MASK"`` accepts ``MASK``)."""
    if received == expected or received == "*" or expected == "*":
        return True
    got = {t.strip() for t in received.split(",")}
    want = {t.strip() for t in expected.split(",")}
    return "*" in got or "*" in want or not got.isdisjoint(want)
