/**
 * Making canvas nodes: fresh nodes from a definition, ids, estimated sizes (React Flow
 * culls and lays out with them before it has measured anything), and the small edge
 * index the conversions and checks use.
 */
import { defaultControls, defaultWidgets } from "./object-info";
import type { GraphEdge, GraphNode, GraphNodeData, NodeDef, NodeDefs, NodeMode } from "./types";
import { edgeId } from "./types";

export const NODE_WIDTH = 260;
const HEADER = 30;
const ROW = 26;

export function estimateSize(def: NodeDef | undefined): { width: number; height: number } {
  if (!def) return { width: NODE_WIDTH, height: 80 };
  const sockets = Math.max(def.inputs.filter((i) => !i.widget).length, def.outputs.length);
  let rows = sockets;
  for (const i of def.inputs) {
    if (!i.widget) continue;
    rows += i.widget === "STRING" && i.options.multiline ? 3 : 1;
    if (i.upload) rows += 5;
  }
  if (def.outputNode) rows += 6;
  return { width: NODE_WIDTH, height: HEADER + rows * ROW + 12 };
}

export function nextId(nodes: readonly { id: string }[]): string {
  let max = 0;
  for (const n of nodes) {
    const v = Number(n.id);
    if (Number.isInteger(v) && v > max) max = v;
  }
  return String(max + 1);
}

export function createNode(
  def: NodeDef,
  id: string,
  position: { x: number; y: number },
  extra: Partial<GraphNodeData> = {},
): GraphNode {
  const size = estimateSize(def);
  return {
    id,
    type: "graph",
    position,
    initialWidth: size.width,
    initialHeight: size.height,
    data: {
      classType: def.name,
      widgets: defaultWidgets(def),
      controls: defaultControls(def),
      mode: 0 as NodeMode,
      ...extra,
    },
  };
}

export function makeEdge(source: string, slot: number, target: string, input: string, type: string): GraphEdge {
  const sourceHandle = `out-${slot}`;
  const targetHandle = `in-${input}`;
  return { id: edgeId(source, sourceHandle, target, targetHandle), source, sourceHandle, target, targetHandle, data: { type } };
}

/** Outgoing adjacency (node id → target ids) for cycle checks. */
export function adjacency(edges: readonly GraphEdge[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  return out;
}

/** Incoming edges by "target:handle". */
export function incomingIndex(edges: readonly GraphEdge[]): Map<string, GraphEdge> {
  const m = new Map<string, GraphEdge>();
  for (const e of edges) m.set(`${e.target}:${e.targetHandle}`, e);
  return m;
}

export function nodeSize(n: GraphNode): { width: number; height: number } {
  return {
    width: n.measured?.width ?? n.width ?? n.initialWidth ?? NODE_WIDTH,
    height: n.measured?.height ?? n.height ?? n.initialHeight ?? 80,
  };
}

/** Row geometry of GraphNode (CSS in styles.css): header, progress bar, socket rows, widget rows. */
const TOP = 36;
const SOCKET_ROW = 22;
const WIDGET_ROW = 26;

/**
 * Estimated handle positions, so React Flow can draw edges to nodes it has not mounted
 * yet and skip the render-everything-once measuring pass (xyflow #3883). Real positions
 * replace these when a node mounts.
 */
export function estimateHandles(node: GraphNode, def: NodeDef | undefined): NonNullable<GraphNode["handles"]> {
  if (node.type !== "graph") return [];
  const width = node.initialWidth ?? NODE_WIDTH;
  const sockets = def ? def.inputs.filter((i) => !i.widget).map((i) => i.name) : (node.data.missing?.inputs ?? []).map((i) => i.name);
  const outputs = def ? def.outputs.length : (node.data.missing?.outputs.length ?? 0);
  const rows = Math.max(sockets.length, outputs);
  const handles: NonNullable<GraphNode["handles"]> = sockets.map((name, r) => ({
    id: `in-${name}`, type: "target" as const, position: "left" as never, x: -6, y: TOP + r * SOCKET_ROW + 5, width: 12, height: 12,
  }));
  (def?.inputs.filter((i) => i.widget) ?? []).forEach((w, r) =>
    handles.push({ id: `in-${w.name}`, type: "target", position: "left" as never, x: -6, y: TOP + rows * SOCKET_ROW + r * WIDGET_ROW + 7, width: 12, height: 12 }));
  for (let r = 0; r < outputs; r++) {
    handles.push({ id: `out-${r}`, type: "source", position: "right" as never, x: width - 6, y: TOP + r * SOCKET_ROW + 5, width: 12, height: 12 });
  }
  return handles;
}

export function withHandles(nodes: GraphNode[], defs: NodeDefs): GraphNode[] {
  return nodes.map((n) =>
    n.type === "graph" && !n.handles && (defs[n.data.classType] || n.data.missing) ? { ...n, handles: estimateHandles(n, defs[n.data.classType]) } : n,
  );
}

/** The box around `nodes` (null when there are none). */
export function boundsOf(nodes: readonly GraphNode[]): { x: number; y: number; width: number; height: number } | null {
  if (!nodes.length) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of nodes) {
    const { width, height } = nodeSize(n);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + width);
    y1 = Math.max(y1, n.position.y + height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
