"""Registry: the node types one process knows, keyed by class type, and the record
of every pack that was loaded (or failed to load) into it.

An object passed to whoever needs it (validator, engine, server); never a module
global.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import RegistryError
from .providers import ProviderInfo
from .spec import NodeSpec


@dataclass
class PackRecord:
    """What happened when one pack (or the built-in node folder) was loaded."""

    name: str
    path: Path
    module: str
    builtin: bool = False
    loaded: bool = False
    load_time_s: float = 0.0
    node_types: list[str] = field(default_factory=list)
    #: The import traceback when the pack failed to load.
    error: str | None = None
    #: Nodes of this pack that were refused (bad declaration, name clash), with why.
    warnings: list[str] = field(default_factory=list)
    web_directory: Path | None = None
    #: Providers this pack declared (``ProviderInfo`` names).
    providers: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name, "path": str(self.path), "module": self.module,
            "builtin": self.builtin, "loaded": self.loaded,
            "load_time_ms": round(self.load_time_s * 1000, 2),
            "node_types": list(self.node_types), "error": self.error,
            "warnings": list(self.warnings), "providers": list(self.providers),
        }


class Registry:
    def __init__(self) -> None:
        self._specs: dict[str, NodeSpec] = {}
        self._origin: dict[str, PackRecord] = {}
        self.packs: list[PackRecord] = []
        #: HTTP routes packs added (ComfyUI's ``PromptServer.instance.routes``):
        #: (method, path, handler, kwargs); method "STATIC" serves a folder.
        self.pack_routes: list[tuple[str, str, Any, dict[str, Any]]] = []
        #: Called with the server's ``send(event, data, sid)`` once it is up.
        self.server_hooks: list[Any] = []
        #: Providers the packs declared, by name (Settings, the hub and prices read them).
        self.providers: dict[str, ProviderInfo] = {}

    def add(self, spec: NodeSpec, pack: PackRecord) -> None:
        """Register ``spec`` for ``pack``. Raises RegistryError when the class type is
        taken: built-in names can never be replaced, and the first pack to claim a
        name keeps it (load order is sorted, so this is deterministic)."""
        holder = self._origin.get(spec.class_type)
        if holder is not None:
            what = "a built-in node" if holder.builtin else f"pack {holder.name!r}"
            raise RegistryError(f"class type {spec.class_type!r} is already provided by {what}")
        self._specs[spec.class_type] = spec
        self._origin[spec.class_type] = pack
        pack.node_types.append(spec.class_type)

    def add_provider(self, info: ProviderInfo, pack: PackRecord) -> None:
        """Register a provider ``pack`` declares. The same declaration seen again (a
        pack importing another's) is ignored; another declaration of a taken name
        raises RegistryError: the first pack to declare a provider keeps it."""
        held = self.providers.get(info.name)
        if held is info:
            return
        if held is not None:
            raise RegistryError(f"provider {info.name!r} is already declared by another pack")
        self.providers[info.name] = info
        pack.providers.append(info.name)

    def get(self, class_type: str) -> NodeSpec | None:
        return self._specs.get(class_type)

    def __getitem__(self, class_type: str) -> NodeSpec:
        try:
            return self._specs[class_type]
        except KeyError:
            raise RegistryError(f"unknown node class {class_type!r}") from None

    def __contains__(self, class_type: object) -> bool:
        return class_type in self._specs

    def __iter__(self) -> Iterator[NodeSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def pack_of(self, class_type: str) -> PackRecord | None:
        return self._origin.get(class_type)

    @property
    def failed_packs(self) -> list[PackRecord]:
        return [p for p in self.packs if not p.loaded]
