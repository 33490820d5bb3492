"""NodeEnv: what a node's hooks may know about where they run (folders, node id,
the prompt), without the live-run abilities of a NodeContext. Validation hands hooks
a NodeEnv; execution hands them the NodeContext subclass."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Paths:
    """The folders nodes read and write: uploads, outputs, previews (cleaned)."""

    input: Path
    output: Path
    temp: Path

    @classmethod
    def under(cls, user_dir: Path) -> "Paths":
        return cls(input=user_dir / "input", output=user_dir / "output", temp=user_dir / "temp")

    @staticmethod
    def split_annotation(name: str, default: str) -> tuple[str, str]:
        """ComfyUI's annotated file names: ``"x.png [output]"`` → ``("x.png", "output")``
        (also ``[input]`` and ``[temp]``, with or without the space); any other name
        keeps ``default``. The one reading of the rule, for nodes and the server."""
        for kind in ("input", "output", "temp"):
            tag = f"[{kind}]"
            if name.endswith(tag):
                return name[:-len(tag)].removesuffix(" "), kind
        return name, default

    def folder(self, kind: str) -> Path:
        """``"input" | "output" | "temp"`` → that folder; raises ValueError otherwise."""
        if kind not in ("input", "output", "temp"):
            raise ValueError(f"unknown folder type {kind!r}; expected input, output or temp")
        folder: Path = getattr(self, kind)
        return folder


@dataclass(slots=True)
class NodeEnv:
    paths: Paths
    node_id: str = ""
    class_type: str = ""
    prompt: dict[str, Any] = field(default_factory=dict)
    extra_data: dict[str, Any] = field(default_factory=dict)
    job_id: str = ""

    @property
    def extra_pnginfo(self) -> dict[str, Any] | None:
        value = self.extra_data.get("extra_pnginfo")
        return value if isinstance(value, dict) else None
