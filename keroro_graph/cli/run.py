"""``keroro-graph run GRAPH.json``: run a graph in this process with live progress,
``--set NODE.INPUT=VALUE`` overrides, outputs listed at the end, and a non-zero exit
code with the node's error when it fails. Accepts API-format graphs, POST /prompt
bodies and ComfyUI UI-format workflow files."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import GraphFormatError
from ..graph.overrides import UsageError, apply_overrides
from ..graph.validate import validate_prompt
from ..graph.workflow import extract_graph
from ..jobs.backend import JobRecord, JobStatus
from ..jobs.embedded import EmbeddedBackend
from ..runtime import build_runtime
from ..settings import Settings
from .progress import ProgressDisplay

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def run_command(args: Any, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        doc = json.loads(Path(args.graph).read_text(encoding="utf-8"))
    except FileNotFoundError:
        err.write(f"error: no such file: {args.graph}\n")
        return EXIT_INVALID
    except (OSError, ValueError) as exc:
        err.write(f"error: {args.graph} is not a JSON file: {exc}\n")
        return EXIT_INVALID
    settings = Settings.from_env(
        user_dir=args.user_dir, output_dir=args.output, jobs_db=":memory:",
        custom_nodes_dirs=args.custom_nodes_dir or None)
    return asyncio.run(_run(doc, settings, args, out, err))


async def _run(doc: Any, settings: Settings, args: Any, out: TextIO, err: TextIO) -> int:
    runtime = build_runtime(settings, backend=EmbeddedBackend(":memory:"))
    for pack in runtime.registry.failed_packs:
        err.write(f"warning: node pack {pack.name} failed to load (see its error with `keroro-graph nodes --packs`)\n")
    try:
        graph = extract_graph(doc, runtime.registry)
        apply_overrides(graph, args.set or [])
    except (GraphFormatError, UsageError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INVALID
    async with runtime:
        display = ProgressDisplay(job_id="", total_nodes=len(graph), stream=err,
                                  live=None if not args.quiet else False)
        steps = await confirm_estimate(runtime, graph, args, err)
        if steps is None:
            err.write("not run\n")
            return EXIT_INVALID
        display.item_steps = steps
        submitted = await runtime.jobs.submit(graph, extra_data={"extra_pnginfo": _pnginfo(doc)})
        if not submitted.accepted:
            err.write(format_validation(submitted.error, submitted.node_errors))
            return EXIT_INVALID
        for line in _dropped_outputs(submitted.node_errors):
            err.write(line)
        display.job_id = submitted.prompt_id
        unsubscribe = runtime.bus.subscribe(display.on_event) if not args.quiet else (lambda: None)
        try:
            record = await runtime.jobs.wait(submitted.prompt_id)
        finally:
            unsubscribe()
        return _report(record, settings, args, out, err)


async def confirm_estimate(runtime: Any, graph: Any, args: Any, err: TextIO) -> int | None:
    """Print what the run will cost; on a terminal, ask before spending (unless --yes).
    None when the user says no; else how many paid nodes a batch item passes through."""
    checked = await validate_prompt(graph, runtime.registry, paths=runtime.engine.paths)
    if not checked.ok or checked.graph is None or runtime.spend is None:
        return 0  # submit reports the problem
    est = await runtime.spend.estimate(checked.graph, checked.outputs)
    if not est.nodes:
        return 0
    steps = sum(1 for cost in est.nodes.values() if cost.calls is None or cost.calls > 1)
    doc = est.as_json()
    total = ", ".join(f"{amount:g} {currency}" for currency, amount in doc["total"].items()) or "0"
    err.write(f"estimate: {total}" + (f" + unknown ({', '.join(doc['unknown'])})" if doc["unknown"] else "") + "\n")
    for node_id, cost in doc["nodes"].items():
        amount = "unknown" if cost["amount"] is None else f"{cost['amount']:g} {cost['currency']}"
        err.write(f"  node {node_id}: {amount}  ({cost['basis']})\n")
    costs_money = bool(doc["unknown"]) or any(v > 0 for v in doc["total"].values())
    if not costs_money or getattr(args, "yes", False) or not sys.stdin.isatty():
        return steps
    err.write("run it? [y/N] ")
    err.flush()
    answer = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return steps if answer.strip().lower() in ("y", "yes") else None


def _pnginfo(doc: Any) -> dict[str, Any]:
    """A UI workflow travels into saved images as ``workflow``, as ComfyUI does."""
    if isinstance(doc, dict) and isinstance(doc.get("nodes"), list):
        return {"workflow": doc}
    return {}


def _report(record: JobRecord, settings: Settings, args: Any, out: TextIO, err: TextIO) -> int:
    if args.json:
        out.write(json.dumps(record.model_dump(mode="json", exclude={"prompt"}), indent=2) + "\n")
    if record.status is not JobStatus.SUCCESS:
        error = record.error or {}
        where = f"node {error.get('node_id')} ({error.get('node_type')})" if error.get("node_id") else "the job"
        err.write(f"error: {where} failed: {error.get('exception_type', record.status.value)}: "
                  f"{error.get('exception_message', '')}\n")
        return EXIT_FAILED
    if not args.json:
        for line in describe_outputs(record.outputs, settings):
            out.write(line + "\n")
    return EXIT_OK


def describe_outputs(outputs: dict[str, Any], settings: Settings) -> list[str]:
    """Human lines for a job's ui outputs: file paths for media, text for text."""
    lines = []
    paths = settings.paths
    for node_id, ui in outputs.items():
        for key, items in ui.items():
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict) and "filename" in item:
                    folder = paths.folder(item.get("type", "output"))
                    lines.append(f"node {node_id} {key}: {folder / item.get('subfolder', '') / item['filename']}")
                elif key == "text":
                    lines.append(f"node {node_id} text: {item}")
    return lines


def format_validation(error: dict[str, Any] | None, node_errors: dict[str, Any]) -> str:
    lines = [f"error: {error['message']}" + (f": {error['details']}" if error and error.get("details") else "")
             if error else "error: invalid graph"]
    for node_id, entry in node_errors.items():
        for e in entry["errors"]:
            name = e.get("extra_info", {}).get("input_name")
            where = f"node {node_id} ({entry['class_type']})" + (f" input '{name}'" if name else "")
            lines.append(f"  {where}: {e['message']}" + (f" ({e['details']})" if e.get("details") and e["details"] != name else ""))
    return "\n".join(lines) + "\n"


def _dropped_outputs(node_errors: dict[str, Any]) -> list[str]:
    if not node_errors:
        return []
    return ["warning: some outputs failed validation and will not run:\n" + format_validation(None, node_errors)[len("error: invalid graph\n"):]]
