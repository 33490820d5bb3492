/**
 * Canvas → ComfyUI UI workflow (version 0.4, what ComfyUI saves and what our server's
 * converter reads): numeric node ids, positional widgets_values with UI-only extras,
 * link arrays, groups, the viewport in extra.ds. Reading lives in workflow-load.ts.
 */
import { nodeSize } from "./node-factory";
import type { GraphEdge, GraphNode, NodeDefs, Viewport } from "./types";
import { inName, isGraphNode, outSlot } from "./types";
import { toWidgetsValues } from "./widgets";
import { expandInputs, withDynamic } from "./object-info";

export type UILink = [number, number, number, number, number, string];

export interface UINode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  flags: Record<string, unknown>;
  order: number;
  mode: number;
  inputs: { name: string; type: string; link: number | null; widget?: { name: string } }[];
  outputs: { name: string; type: string; links: number[] | null; slot_index?: number }[];
  properties: Record<string, unknown>;
  widgets_values: unknown;
  title?: string;
  color?: string;
}

export interface UIWorkflow {
  id?: string;
  revision?: number;
  last_node_id: number;
  last_link_id: number;
  nodes: UINode[];
  links: UILink[];
  groups: { id?: number; title: string; bounding: [number, number, number, number]; color?: string; font_size?: number }[];
  config: Record<string, unknown>;
  extra: Record<string, unknown>;
  version: number;
  [key: string]: unknown;
}

interface Sockets {
  inputs: { name: string; type: string; widget: boolean; marker?: string }[];
  outputs: { name: string; type: string }[];
}

function socketsOf(node: GraphNode, defs: NodeDefs, linked: ReadonlySet<string> = new Set()): Sockets {
  if (node.type === "sgio") {
    const slots = node.data.slots.map((s) => ({ ...s, widget: false }));
    return node.data.dir === "in" ? { inputs: [], outputs: slots } : { inputs: slots, outputs: [] };
  }
  if (node.type === "reroute") return { inputs: [{ name: "", type: "*", widget: false }], outputs: [{ name: "", type: node.data.type }] };
  if (!isGraphNode(node)) return { inputs: [], outputs: [] };
  const def = defs[node.data.classType];
  if (def) {
    return {
      inputs: expandInputs(withDynamic(def.inputs, node.data.widgets), (name) => linked.has(`${node.id}:${name}`)).map((i) => ({ name: i.name, type: i.type, widget: i.widget !== null })),
      outputs: def.outputs.map((o) => ({ name: o.name, type: o.type })),
    };
  }
  const m = node.data.missing;
  return { inputs: (m?.inputs ?? []).map((i) => ({ name: i.name, type: i.type, widget: false, marker: i.widget })), outputs: m?.outputs ?? [] };
}

const numId = (id: string, fallback: Map<string, number>): number => {
  const v = Number(id);
  if (Number.isInteger(v) && v > 0) return v;
  if (!fallback.has(id)) fallback.set(id, 100000 + fallback.size);
  return fallback.get(id)!;
};

/** The subgraph definitions the document's instances carry, once each (ComfyUI's `definitions`). */
function subgraphDefinitions(nodes: readonly GraphNode[]): { definitions?: { subgraphs: unknown[] } } {
  const byId = new Map<string, unknown>();
  for (const n of nodes) {
    if (!isGraphNode(n) || !n.data.subgraph) continue;
    for (const d of n.data.subgraph.definitions) {
      const id = (d as { id?: unknown })?.id;
      if (typeof id === "string" && !byId.has(id)) byId.set(id, d);
    }
  }
  return byId.size ? { definitions: { subgraphs: [...byId.values()] } } : {};
}

/** Whether the graph has subgraph instances (the server expands them when converting). */
export const hasSubgraphs = (nodes: readonly GraphNode[]): boolean => nodes.some((n) => isGraphNode(n) && n.data.subgraph !== undefined);

export function toWorkflow(
  graph: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] },
  defs: NodeDefs,
  options: { viewport?: Viewport; id?: string; revision?: number } = {},
): UIWorkflow {
  const fallback = new Map<string, number>();
  const ids = new Map<string, number>();
  // A subgraph's input and output nodes keep ComfyUI's ids (-10, -20).
  for (const n of graph.nodes) ids.set(n.id, n.type === "sgio" ? (n.data.dir === "in" ? -10 : -20) : numId(n.id, fallback));
  const linked = new Set(graph.edges.map((e) => `${e.target}:${inName(e.targetHandle)}`));
  const sockets = new Map<string, Sockets>();
  for (const n of graph.nodes) sockets.set(n.id, socketsOf(n, defs, linked));

  const links: UILink[] = [];
  const inputLink = new Map<string, number>();
  const outputLinks = new Map<string, number[]>();
  let linkId = 0;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) {
    const src = sockets.get(e.source);
    const dst = sockets.get(e.target);
    if (!src || !dst) continue;
    const slot = outSlot(e.sourceHandle);
    const name = byId.get(e.target)?.type === "reroute" ? "" : inName(e.targetHandle);
    const visible = dst.inputs.filter((i) => !i.widget || linked.has(`${e.target}:${i.name}`));
    const targetSlot = visible.findIndex((i) => i.name === name);
    if (targetSlot < 0) continue;
    linkId += 1;
    links.push([linkId, ids.get(e.source)!, slot, ids.get(e.target)!, targetSlot, e.data?.type ?? src.outputs[slot]?.type ?? "*"]);
    inputLink.set(`${e.target}:${name}`, linkId);
    const key = `${e.source}:${slot}`;
    outputLinks.set(key, [...(outputLinks.get(key) ?? []), linkId]);
  }

  const nodes: UINode[] = [];
  const groups: UIWorkflow["groups"] = [];
  let order = 0;
  for (const n of graph.nodes) {
    const size = nodeSize(n);
    if (n.type === "group") {
      groups.push({
        id: groups.length + 1,
        title: n.data.title,
        bounding: [n.position.x, n.position.y, size.width, size.height],
        color: n.data.color ?? "#3f789e",
        font_size: 24,
      });
      continue;
    }
    if (n.type === "sgio") continue;
    const s = sockets.get(n.id)!;
    const base = {
      id: ids.get(n.id)!,
      pos: [n.position.x, n.position.y] as [number, number],
      size: [size.width, size.height] as [number, number],
      order: order++,
      inputs: s.inputs
        .filter((i) => !i.widget || inputLink.has(`${n.id}:${i.name}`))
        .map((i) => ({ name: i.name, type: i.type, link: inputLink.get(`${n.id}:${i.name}`) ?? null, ...(i.widget || i.marker ? { widget: { name: i.marker ?? i.name } } : {}) })),
      outputs: s.outputs.map((o, slot) => ({ name: o.name, type: o.type, links: outputLinks.get(`${n.id}:${slot}`) ?? [], slot_index: slot })),
    };
    if (n.type === "note") {
      nodes.push({ ...base, type: n.data.classType, flags: {}, mode: 0, properties: {}, widgets_values: [n.data.text] });
    } else if (n.type === "reroute") {
      nodes.push({ ...base, type: "Reroute", flags: {}, mode: 0, properties: { showOutputText: false, horizontal: false }, widgets_values: [] });
    } else if (isGraphNode(n)) {
      const d = n.data;
      const def = defs[d.classType];
      const flags: Record<string, unknown> = {};
      if (d.collapsed) flags.collapsed = true;
      if (d.pinned) flags.pinned = true;
      nodes.push({
        ...base,
        type: d.classType,
        flags,
        mode: d.mode,
        properties: { ...(d.properties ?? {}), "Node name for S&R": d.classType },
        widgets_values: def ? [...toWidgetsValues(def, d.widgets, d.controls), ...(d.widgetsTail ?? [])] : (d.missing?.widgetsValues ?? []),
        ...(d.title ? { title: d.title } : {}),
        ...(d.color ? { color: d.color } : {}),
      });
    }
  }
  const last = Math.max(0, ...nodes.map((n) => n.id));
  const vp = options.viewport ?? { x: 0, y: 0, zoom: 1 };
  return {
    id: options.id,
    revision: options.revision ?? 0,
    last_node_id: last,
    last_link_id: linkId,
    nodes,
    links,
    groups,
    config: {},
    extra: { ds: { scale: vp.zoom, offset: [vp.x / vp.zoom, vp.y / vp.zoom] }, frontendVersion: "keroro-graph" },
    version: 0.4,
    ...subgraphDefinitions(graph.nodes),
  };
}
