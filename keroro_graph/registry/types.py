"""Socket types: the names that flow along links, their Python annotations, and the
rule that decides whether an output may feed an input.

``IMAGE`` is a float32 numpy array ``[batch, height, width, channels]`` in 0..1,
``MASK`` is ``[batch, height, width]`` (ComfyUI's layouts); ``VIDEO`` is a
``keroro_graph.video.Video`` (a file, frames and audio decoded on demand) and ``AUDIO``
is ComfyUI's ``{"waveform", "sample_rate"}`` dict. Any other upper-case name a pack declares is a socket
type too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np

from ..video import Video


@dataclass(frozen=True, slots=True)
class Socket:
    """Marks an annotation as a socket of the named type (used inside ``Annotated``)."""

    name: str


def socket(name: str, python_type: Any = object) -> Any:
    """An annotation for a custom socket type: ``MY_TYPE = socket("MY_TYPE")``."""
    return Annotated[python_type, Socket(name)]


#: The VIDEO value (a file plus frames and audio decoded on demand); the old name stays.
VideoRef = Video


IMAGE = Annotated[np.ndarray, Socket("IMAGE")]
MASK = Annotated[np.ndarray, Socket("MASK")]
LATENT = Annotated[dict, Socket("LATENT")]
VIDEO = Annotated[Video, Socket("VIDEO")]
#: ComfyUI's AUDIO: ``{"waveform": float32 [batch, channels, samples], "sample_rate": int}``.
AUDIO = Annotated[dict, Socket("AUDIO")]
ANY = Annotated[Any, Socket("*")]

#: Python scalar annotations that become widget types.
SCALAR_TYPES: dict[type, str] = {bool: "BOOLEAN", int: "INT", float: "FLOAT", str: "STRING"}


#: Types that accept and give anything: ``*`` and ComfyUI V3's MatchType (whose real
#: type is the one linked to it).
_ANY_TYPES = frozenset({"*", "COMFY_MATCHTYPE_V3"})


def types_compatible(received: str, expected: str) -> bool:
    """ComfyUI's link rule: equal, either side ``*``, or comma-separated unions that
    share a member (``"IMAGE,MASK"`` accepts ``MASK``)."""
    if received == expected or received in _ANY_TYPES or expected in _ANY_TYPES:
        return True
    got = {t.strip() for t in received.split(",")}
    want = {t.strip() for t in expected.split(",")}
    return "*" in got or "*" in want or not got.isdisjoint(want)
