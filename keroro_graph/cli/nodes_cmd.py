"""``keroro-graph nodes``: the node catalogue by category, the ``/object_info`` JSON,
or the load report of every pack (with the traceback of those that failed)."""
from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from ..registry.env import NodeEnv
from ..registry.loader import load_registry
from ..registry.object_info import object_info
from ..settings import Settings


def nodes_command(args: Any, out: TextIO = sys.stdout) -> int:
    settings = Settings.from_env(user_dir=args.user_dir, custom_nodes_dirs=args.custom_nodes_dir or None)
    registry = load_registry(builtin_dir=settings.builtin_nodes_dir, custom_dirs=settings.custom_nodes_dirs,
                             paths=settings.paths)
    if args.json:
        out.write(json.dumps(object_info(registry, NodeEnv(paths=settings.paths)), indent=1) + "\n")
        return 0
    if args.packs:
        for pack in registry.packs:
            state = "ok" if pack.loaded else "FAILED"
            out.write(f"{pack.name:<24} {state:<6} {pack.load_time_s * 1000:7.1f} ms  {len(pack.node_types)} nodes\n")
            for warning in pack.warnings:
                out.write(f"    warning: {warning}\n")
            if pack.error:
                out.write("    " + pack.error.replace("\n", "\n    ") + "\n")
        return 0 if not registry.failed_packs else 1
    by_category: dict[str, list[Any]] = {}
    for spec in registry:
        if args.filter and args.filter.lower() not in f"{spec.class_type} {spec.category} {spec.display_name}".lower():
            continue
        by_category.setdefault(spec.category or "(uncategorised)", []).append(spec)
    for category in sorted(by_category):
        out.write(f"{category}\n")
        for spec in sorted(by_category[category], key=lambda s: s.class_type):
            ins = ", ".join(f"{i.name}:{i.type}" for i in spec.inputs if i.section != "hidden")
            outs = ", ".join(o.type for o in spec.outputs) or ("output node" if spec.output_node else "-")
            out.write(f"  {spec.class_type:<28} ({ins}) -> {outs}\n")
    failed = registry.failed_packs
    if failed:
        out.write(f"\n{len(failed)} pack(s) failed to load: {', '.join(p.name for p in failed)} "
                  f"(see `keroro-graph nodes --packs`)\n")
    return 0
