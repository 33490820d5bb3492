"""Loader: fills a Registry from the built-in ``nodes/`` folder, then from every pack
in the custom-node folders.

Packs load in sorted order (ComfyUI uses ``os.listdir`` order, which is not
deterministic). A pack that raises on import, even with a SyntaxError, is recorded with
its traceback and skipped; nothing a pack does at import stops the process. A native
pack (``@node`` declarations, no ``NODE_CLASS_MAPPINGS``) is walked module by module
like the built-ins, so one bad file is a warning, not a lost pack; a ComfyUI pack is
read from its ``__init__`` alone, as ComfyUI reads it. Load time per pack is recorded.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
import sys
import time
import traceback
import types
from pathlib import Path
from typing import Iterable

from .. import comfy_compat
from ..errors import KeroroError
from .comfy_v1 import spec_from_v1
from .comfy_v3 import entrypoint_classes, is_v3, spec_from_v3
from .env import Paths
from .providers import ProviderInfo
from .registry import PackRecord, Registry
from .spec import NodeSpec

log = logging.getLogger(__name__)

BUILTIN_PACKAGE = "nodes"
CUSTOM_PACKAGE = "custom_nodes"


def default_builtin_dir() -> Path:
    """The ``nodes/`` folder beside the ``keroro_graph`` package."""
    return Path(__file__).resolve().parents[2] / BUILTIN_PACKAGE


def load_registry(*, builtin_dir: Path | None = None, custom_dirs: Iterable[Path] = (),
                  paths: Paths | None = None) -> Registry:
    """Build a registry: built-in nodes first, then each custom-node folder in order.
    ComfyUI's module names (the compatibility layer) are importable for packs;
    ``paths`` are the folders its ``folder_paths`` reports."""
    comfy_compat.install(paths)
    registry = Registry()
    load_builtin(registry, builtin_dir or default_builtin_dir())
    seen: set[str] = set()
    for folder in custom_dirs:
        load_custom_folder(registry, Path(folder), taken_module_names=seen)
    registry.pack_routes = comfy_compat.pack_routes()
    registry.server_hooks = comfy_compat.server_hooks()
    return registry


def load_builtin(registry: Registry, folder: Path) -> PackRecord:
    record = PackRecord(name="builtin", path=folder, module=BUILTIN_PACKAGE, builtin=True)
    registry.packs.append(record)
    started = time.perf_counter()
    try:
        package = _import_package(BUILTIN_PACKAGE, folder)
        modules = [package]
        for info in pkgutil.walk_packages([str(folder)], prefix=f"{BUILTIN_PACKAGE}."):
            if info.name.rsplit(".", 1)[-1].startswith("_"):
                continue
            try:
                modules.append(importlib.import_module(info.name))
            except Exception:
                record.warnings.append(f"{info.name} failed to import:\n{traceback.format_exc()}")
                log.error("built-in module %s failed to import", info.name, exc_info=True)
        for spec in _native_specs(modules):
            _add(registry, spec, record)
        comfy_compat.extend_nodes_module(package, registry.get)  # ComfyUI's names on our `nodes`, for packs
        record.loaded = True
    except Exception:
        record.error = traceback.format_exc()
        log.error("built-in nodes failed to load:\n%s", record.error)
    record.load_time_s = time.perf_counter() - started
    return record


def load_custom_folder(registry: Registry, folder: Path, *,
                       taken_module_names: set[str] | None = None) -> list[PackRecord]:
    """Load every pack (package folder or ``.py`` file) in ``folder``."""
    taken = taken_module_names if taken_module_names is not None else set()
    records: list[PackRecord] = []
    if not folder.is_dir():
        return records
    _ensure_namespace(CUSTOM_PACKAGE, folder)
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not _is_pack(entry):
            continue
        stem = entry.stem if entry.is_file() else entry.name
        module_name = _unique_module_name(stem, taken)
        records.append(load_pack(registry, entry, module_name))
    return records


def load_pack(registry: Registry, path: Path, module_name: str) -> PackRecord:
    name = path.stem if path.is_file() else path.name
    record = PackRecord(name=name, path=path, module=module_name)
    registry.packs.append(record)
    started = time.perf_counter()
    try:
        module = (_import_file(module_name, path) if path.is_file()
                  else _import_package(module_name, path))
        if path.is_dir() and not _is_comfy_pack(module):
            _import_submodules(record, path, module_name)
        _collect_pack(registry, record, module)
        record.loaded = True
    except BaseException as exc:  # noqa: BLE001 - a pack may even call sys.exit()
        if isinstance(exc, KeyboardInterrupt):
            raise
        record.error = traceback.format_exc()
        _forget_modules(module_name)
        log.error("custom node pack %s failed to import (IMPORT FAILED):\n%s", name, record.error)
    record.load_time_s = time.perf_counter() - started
    log.info("%8.1f ms  %s%s", record.load_time_s * 1000, name, "" if record.loaded else " (IMPORT FAILED)")
    return record


def _collect_pack(registry: Registry, record: PackRecord, module: types.ModuleType) -> None:
    web = getattr(module, "WEB_DIRECTORY", None)
    if isinstance(web, str):
        record.web_directory = (record.path / web).resolve() if record.path.is_dir() else None
    mappings = getattr(module, "NODE_CLASS_MAPPINGS", None)
    names = getattr(module, "NODE_DISPLAY_NAME_MAPPINGS", None) or {}
    classes: list[tuple[str | None, object]] = []
    if isinstance(mappings, dict):
        classes += [(str(k), v) for k, v in mappings.items()]
    entrypoint = getattr(module, "comfy_entrypoint", None)
    if callable(entrypoint):
        classes += [(None, cls) for cls in entrypoint_classes(entrypoint)]
    for class_type, cls in classes:
        try:
            if is_v3(cls):
                spec = spec_from_v3(cls, python_module=record.module)  # type: ignore[arg-type]
            else:
                spec = spec_from_v1(str(class_type), cls, display_name=names.get(class_type),
                                    python_module=record.module)
        except KeroroError as exc:
            record.warnings.append(str(exc))
            continue
        comfy_compat.register_v1(spec.class_type, cls, names.get(class_type))  # type: ignore[arg-type]
        _add(registry, spec, record)
    pack_modules = [m for n, m in list(sys.modules.items())
                    if m is not None and (n == record.module or n.startswith(record.module + "."))]
    for spec in _native_specs(pack_modules):
        _add(registry, spec, record)
    _collect_providers(registry, record, pack_modules)
    if not record.node_types and not record.providers and not record.warnings:
        record.warnings.append("no NODE_CLASS_MAPPINGS and no @node declarations found")


def _is_comfy_pack(module: types.ModuleType) -> bool:
    """A ComfyUI pack says what it offers in its ``__init__`` (as ComfyUI reads it);
    its other files may be install scripts or tests that must never be imported."""
    return hasattr(module, "NODE_CLASS_MAPPINGS") or hasattr(module, "comfy_entrypoint")


def _import_submodules(record: PackRecord, folder: Path, package: str) -> None:
    """Import every module of a native pack, as the built-ins are walked: a node file its
    ``__init__`` does not import still loads, and a file that fails to import is a
    warning naming it, not the end of the pack. Names starting with ``_`` (private
    helpers) and ``tests`` folders are left alone."""
    for info in pkgutil.walk_packages([str(folder)], prefix=f"{package}.",
                                      onerror=lambda name: record.warnings.append(f"{name} failed to import")):
        parts = info.name[len(package) + 1:].split(".")
        if any(part.startswith("_") or part in ("tests", "test") for part in parts) or info.name in sys.modules:
            continue
        try:
            importlib.import_module(info.name)
        except Exception:
            record.warnings.append(f"{info.name} failed to import:\n{traceback.format_exc()}")
            log.error("%s: module %s failed to import", record.name, info.name, exc_info=True)
    for missing in _folders_without_init(folder):
        record.warnings.append(f"{missing.relative_to(folder.parent)} holds Python files but no __init__.py: "
                               "they are not loaded (add an empty __init__.py)")


def _folders_without_init(folder: Path) -> list[Path]:
    """Sub-folders of a pack the walk cannot enter: Python files and no ``__init__.py``
    (private, hidden and test folders are left alone, as by the walk)."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_dir()):
        parts = path.relative_to(folder).parts
        if any(part.startswith(("_", ".")) or part in ("tests", "test") for part in parts):
            continue
        if not (path / "__init__.py").is_file() and any(path.glob("*.py")) \
                and all((folder.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
            found.append(path)
    return found


def _native_specs(modules: Iterable[types.ModuleType]) -> list[NodeSpec]:
    specs: list[NodeSpec] = []
    for module in modules:
        for value in list(vars(module).values()):
            spec = getattr(value, "__node_spec__", None)
            if isinstance(spec, NodeSpec) and spec.python_module == module.__name__:
                specs.append(spec)
    return specs


def _collect_providers(registry: Registry, record: PackRecord, modules: Iterable[types.ModuleType]) -> None:
    """Every ``ProviderInfo`` a pack module holds at module level (its provider
    declarations; one imported from another pack is the same object, kept once)."""
    for module in modules:
        for value in list(vars(module).values()):
            if isinstance(value, ProviderInfo):
                try:
                    registry.add_provider(value, record)
                except KeroroError as exc:
                    record.warnings.append(f"provider {value.name!r} skipped: {exc}")
                    log.warning("%s: provider %s skipped: %s", record.name, value.name, exc)


def _add(registry: Registry, spec: NodeSpec, record: PackRecord) -> None:
    try:
        registry.add(spec, record)
    except KeroroError as exc:
        record.warnings.append(f"{spec.class_type} skipped: {exc}")
        log.warning("%s: %s skipped: %s", record.name, spec.class_type, exc)


# --- importing ------------------------------------------------------------------------

def _is_pack(entry: Path) -> bool:
    name = entry.name
    if name.startswith((".", "_")) or name.endswith(".disabled"):
        return False
    if entry.is_dir():
        return (entry / "__init__.py").is_file()
    return entry.suffix == ".py"


def _unique_module_name(stem: str, taken: set[str]) -> str:
    safe = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in stem) or "pack"
    name, n = f"{CUSTOM_PACKAGE}.{safe}", 2
    while name in taken:
        name, n = f"{CUSTOM_PACKAGE}.{safe}_{n}", n + 1
    taken.add(name)
    return name


def _ensure_namespace(name: str, folder: Path) -> None:
    """A ``custom_nodes`` package whose path lists every pack folder loaded, so
    ``import custom_nodes.<pack>.<module>`` finds packs as a plain import would."""
    module = sys.modules.get(name)
    if module is None:
        module = types.ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module
    path = getattr(module, "__path__", None)
    if path is not None and str(folder) not in list(path):
        path.append(str(folder))


def _import_package(name: str, folder: Path) -> types.ModuleType:
    existing = sys.modules.get(name)
    if existing is not None and Path(getattr(existing, "__file__", "") or "").parent == folder:
        return existing
    return _exec(name, folder / "__init__.py", [str(folder)])


def _import_file(name: str, path: Path) -> types.ModuleType:
    return _exec(name, path, None)


def _exec(name: str, path: Path, search: list[str] | None) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=search)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        _forget_modules(name)
        raise
    return module


def _forget_modules(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
