/**
 * Pure edit operations on a graph snapshot (no store, no React), used by the graph
 * store so that each user action is one undo step: deleting nodes while keeping the
 * links that ran through them, inserting a node onto a link, finding the link under a
 * dropped node, and finding nodes by title, type or id.
 */
import { canConnect } from "./compat";
import { makeEdge, nodeSize } from "./node-factory";
import type { GraphEdge, GraphNode } from "./types";
import { inName, isGraphNode, outSlot } from "./types";

export interface Snap {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Socket types of a node: its inputs by name and its outputs by slot. */
export interface Sockets {
  inputs: { name: string; type: string }[];
  outputs: { type: string }[];
}

/**
 * Delete `ids`; where a deleted node had an input link and output links of a matching
 * type, its sources are wired straight to its targets (ComfyUI's "keep links when
 * deleting"). Links between two deleted nodes are followed through chains.
 */
export function deleteKeepingLinks(s: Snap, ids: ReadonlySet<string>, sockets: (id: string) => Sockets | null): Snap {
  const incoming = (id: string) => s.edges.filter((e) => e.target === id);
  /** The live source feeding `type` into deleted node `id`, walking back through deleted nodes. */
  const sourceFor = (id: string, type: string, seen = new Set<string>()): GraphEdge | null => {
    if (seen.has(id)) return null;
    seen.add(id);
    const sock = sockets(id);
    for (const e of incoming(id)) {
      const inType = sock?.inputs.find((i) => i.name === inName(e.targetHandle))?.type ?? e.data?.type ?? "*";
      const edgeType = e.data?.type ?? inType;
      if (!canConnect(edgeType, type) && !canConnect(inType, type)) continue;
      if (!ids.has(e.source)) return e;
      const deeper = sourceFor(e.source, type, seen);
      if (deeper) return deeper;
    }
    return null;
  };
  const kept = s.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target));
  const bridges: GraphEdge[] = [];
  for (const e of s.edges) {
    if (!ids.has(e.source) || ids.has(e.target)) continue;
    const type = e.data?.type ?? sockets(e.source)?.outputs[outSlot(e.sourceHandle)]?.type ?? "*";
    const from = sourceFor(e.source, type);
    if (!from) continue;
    if (kept.some((k) => k.target === e.target && k.targetHandle === e.targetHandle)) continue;
    bridges.push(makeEdge(from.source, outSlot(from.sourceHandle), e.target, inName(e.targetHandle), from.data?.type ?? type));
  }
  return { nodes: s.nodes.filter((n) => !ids.has(n.id)), edges: [...kept, ...bridges] };
}

/** Put node `id` on `edge`: edge.source -> id's first compatible input; id's first compatible output -> edge.target. */
export function insertOnLink(s: Snap, edge: GraphEdge, id: string, sock: Sockets, targetType: string): Snap | null {
  const type = edge.data?.type ?? "*";
  const input = sock.inputs.find((i) => canConnect(type, i.type));
  const slot = sock.outputs.findIndex((o) => canConnect(o.type, targetType));
  if (!input || slot < 0) return null;
  const edges = s.edges.filter((e) => e.id !== edge.id && !(e.target === id && e.targetHandle === `in-${input.name}`));
  return {
    nodes: s.nodes,
    edges: [...edges, makeEdge(edge.source, outSlot(edge.sourceHandle), id, input.name, type), makeEdge(id, slot, edge.target, inName(edge.targetHandle), sock.outputs[slot].type)],
  };
}

const dist2 = (p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number => {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
  const x = a.x + t * dx - p.x;
  const y = a.y + t * dy - p.y;
  return x * x + y * y;
};

/** The link passing under node `id`'s centre (within `radius`), not touching it: a drop target. */
export function linkUnder(s: Snap, id: string, radius = 40): GraphEdge | null {
  const node = s.nodes.find((n) => n.id === id);
  if (!node || s.edges.some((e) => e.source === id || e.target === id)) return null;
  const size = nodeSize(node);
  const c = { x: node.position.x + size.width / 2, y: node.position.y + size.height / 2 };
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  let best: GraphEdge | null = null;
  let bestD = radius * radius;
  for (const e of s.edges) {
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (!a || !b) continue;
    const sa = nodeSize(a);
    const sb = nodeSize(b);
    const d = dist2(c, { x: a.position.x + sa.width, y: a.position.y + sa.height / 2 }, { x: b.position.x, y: b.position.y + sb.height / 2 });
    if (d < bestD) {
      bestD = d;
      best = e;
    }
  }
  return best;
}

/** Nodes matching a query by id ("#12" or "12"), title or type; exact id first, then title, then type. */
export function findNodes(nodes: readonly GraphNode[], query: string, titleOf: (n: GraphNode) => string): GraphNode[] {
  const q = query.trim().toLowerCase().replace(/^#/, "");
  if (!q) return [];
  const scored: [number, GraphNode][] = [];
  for (const n of nodes) {
    if (n.type === "group") continue;
    const title = titleOf(n).toLowerCase();
    const type = isGraphNode(n) ? n.data.classType.toLowerCase() : n.type ?? "";
    const score = n.id === q ? 0 : title === q ? 1 : title.includes(q) ? 2 : type.includes(q) ? 3 : -1;
    if (score >= 0) scored.push([score, n]);
  }
  return scored.sort((a, b) => a[0] - b[0] || Number(a[1].id) - Number(b[1].id)).map(([, n]) => n);
}
