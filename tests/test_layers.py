"""The dependency rules of STYLE.md, checked on the source: node packs see only the
node-author API; the engine knows no HTTP; the server names no provider pack; the MCP
layer talks to the server over HTTP, not through the engine."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from keroro_graph.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "keroro_graph"


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``, relative ones resolved;
    imports inside functions count too (a lazy import is still a dependency)."""
    package = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, module))
    return found


def files(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in sorted(folder.rglob("*.py")) if "node_modules" not in p.parts]


def violations(paths: list[Path], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    bad = []
    for path in paths:
        for line, module in imports_of(path):
            if module.startswith(forbidden) and not module.startswith(allowed):
                bad.append(f"{path.relative_to(REPO_ROOT)}:{line} imports {module}")
    return bad


def test_node_packs_see_only_the_node_author_api():
    packs = files(REPO_ROOT / "nodes", REPO_ROOT / "custom_nodes")
    assert packs, "no node files found"
    assert violations(packs, ("keroro_graph",), ("keroro_graph.api",)) == []


@pytest.mark.parametrize("layer", ["registry", "graph", "engine", "jobs"])
def test_core_layers_know_no_http_server_or_cli(layer):
    forbidden = ("aiohttp", "httpx", "keroro_graph.server", "keroro_graph.cli", "keroro_graph.mcp",
                 "keroro_graph.runtime", "custom_nodes", "nodes")
    assert violations(files(PACKAGE / layer), forbidden) == []


def test_core_layers_do_not_reach_up():
    order = ["registry", "graph", "engine", "jobs"]
    for index, layer in enumerate(order):
        above = tuple(f"keroro_graph.{name}" for name in order[index + 1:])
        assert violations(files(PACKAGE / layer), above) == [] if above else True, layer


def test_the_server_names_no_provider_pack():
    assert violations(files(PACKAGE / "server"), ("custom_nodes", "nodes")) == []


def test_the_mcp_layer_uses_the_server_not_the_engine():
    forbidden = ("keroro_graph.engine", "keroro_graph.jobs", "keroro_graph.runtime")
    # --embedded starts an in-process server through the app factory, nothing deeper
    assert violations(files(PACKAGE / "mcp"), forbidden) == []


COMPAT = PACKAGE / "comfy_compat"
COMPAT_DOORS = {PACKAGE / "registry" / name for name in ("loader.py", "comfy_v1.py", "comfy_v3.py")}


def test_only_the_loader_and_the_comfy_doors_import_the_compat_layer():
    others = [p for p in files(PACKAGE, REPO_ROOT / "nodes", REPO_ROOT / "custom_nodes")
              if p not in COMPAT_DOORS and COMPAT not in p.parents]
    assert violations(others, ("keroro_graph.comfy_compat",)) == []


def test_the_compat_layer_sits_on_the_node_author_api():
    assert violations(files(COMPAT), ("keroro_graph",), ("keroro_graph.api", "keroro_graph.comfy_compat")) == []


def test_the_server_reads_jobs_through_the_service_not_the_backend():
    """Routes ask JobService (which keeps validation, redaction and events in one
    place); none reaches past it into the job store."""
    found = [f"{path.relative_to(REPO_ROOT)}:{node.lineno}" for path in files(PACKAGE / "server")
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and node.attr == "backend"]
    assert found == []


#: Keys and names of ComfyUI's messages and history, which only jobs/wire.py writes.
COMFY_WIRE_WORDS = frozenset({"prompt_id", "display_node", "parent_node", "real_node_id", "node_type",
                              "exception_type", "exception_message", "current_inputs", "current_outputs",
                              "execution_start", "execution_cached", "execution_success", "execution_error",
                              "execution_interrupted", "executing", "executed", "progress_state", "status_str"})


def test_the_engine_and_the_stores_do_not_spell_comfyuis_message_keys():
    """The engine hands typed events and results; jobs/wire.py renders them as ComfyUI's
    JSON (messages, history, failure records), so no other core module writes those keys."""
    core = files(PACKAGE / "engine", PACKAGE / "jobs")
    found = [f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.value!r}" for path in core
             if path.name != "wire.py"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and node.value in COMFY_WIRE_WORDS]
    assert found == []


def module_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (``from pkg import mod`` names ``mod``);
    imports inside functions and under TYPE_CHECKING count: they are dependencies too."""
    modules: dict[str, Path] = {}
    for path in files(PACKAGE):
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts[:-1])
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join([*base, node.module] if node.module else base)
                found.update(f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop
    (strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_imports_itself_around_a_loop():
    assert cycles(module_graph()) == []


def test_the_cycle_check_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_engine_module_is_over_400_lines():
    long = {p.name: n for p in files(PACKAGE / "engine")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_packs_get_provider_clients_through_the_context_door():
    """``ctx.provider(Client)`` binds a client to the node (its retries sleep with
    ``ctx.sleep``): packs neither pass ``sleep=ctx.sleep`` nor reach into the host's
    services."""
    found = [f"{path.relative_to(REPO_ROOT)}:{number}" for path in files(REPO_ROOT / "nodes", REPO_ROOT / "custom_nodes")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "sleep=ctx.sleep" in line or "ctx.services" in line]
    assert found == []
