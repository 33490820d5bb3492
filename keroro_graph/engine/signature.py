"""Cache signatures: one digest per node, computed once, in topological order, from
the node's class type, its change fingerprint (IS_CHANGED), its node id when the node
asks for it (NOT_IDEMPOTENT, hidden UNIQUE_ID), its constant inputs, and the digests
of the outputs it links to. A Merkle hash: total work is linear in the graph, and the
key is independent of node ids, so an identical sub-graph in any job hits the cache.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from typing import Any, Iterable

from ..graph.model import Graph, Link

NEVER_CACHED = object()


def _canonical(value: Any) -> bytes:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True).encode()
    except (TypeError, ValueError):
        return repr(value).encode()


def fingerprint_token(value: Any) -> bytes:
    """Bytes for an IS_CHANGED result; NaN (ComfyUI's "always re-run") and
    NEVER_CACHED become a fresh random token so the signature never matches."""
    if value is NEVER_CACHED or (isinstance(value, float) and math.isnan(value)):
        return os.urandom(16)
    return _canonical(value)


def strict_literal(value: Any) -> bytes:
    """Canonical JSON of a constant, or a fresh random token for a value that has none
    (an object an expansion passed straight in): such a node is never a cache hit, as
    in ComfyUI, rather than a wrong one."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True).encode()
    except (TypeError, ValueError):
        return os.urandom(16)


def compute_signatures(graph: Graph, order: Iterable[str], fingerprints: dict[str, Any],
                       into: dict[str, bytes] | None = None,
                       literal: Any = _canonical) -> dict[str, bytes]:
    """Signature of every node in ``order`` (which must be topological), added to
    ``into`` (which must already hold the signatures of the nodes they link to)."""
    sigs: dict[str, bytes] = {} if into is None else into
    for node_id in order:
        node = graph.nodes[node_id]
        h = hashlib.blake2b(node.spec.class_type.encode(), digest_size=16)
        if node_id in fingerprints:
            h.update(b"\x00F")
            h.update(fingerprint_token(fingerprints[node_id]))
        if node.spec.unique_id_in_key:
            h.update(b"\x00I")
            h.update(node_id.encode())
        for name in sorted(node.inputs):
            value = node.inputs[name]
            h.update(b"\x00" + name.encode() + b"=")
            if type(value) is Link:
                h.update(sigs[value.node])
                h.update(b"#%d" % value.slot)
            else:
                h.update(literal(value))
        sigs[node_id] = h.digest()
    return sigs
