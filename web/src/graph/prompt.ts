/**
 * Canvas ⇄ API ("prompt") format, after the ComfyUI frontend's graphToPrompt: muted
 * nodes, notes, groups and reroutes are left out; consumers of a bypassed node are
 * rewired to its input of the same type; linked inputs become [id, slot]; list values
 * are wrapped in {"__value__": …}; seed control modes stay on the canvas.
 */
import { canConnect } from "./compat";
import { estimateSize, incomingIndex, makeEdge, nodeSize } from "./node-factory";
import type { GraphEdge, GraphNode, GraphNodeData, NodeDefs, NodeMode, SocketType } from "./types";
import { inHandle, isGraphNode, outSlot } from "./types";
import { defaultControls, expandInputs, withDynamic } from "./object-info";
import { layoutGraph } from "./layout";

export type ApiInputValue = unknown;
export interface ApiNode {
  class_type: string;
  inputs: Record<string, ApiInputValue>;
  _meta?: { title?: string };
}
export type ApiPrompt = Record<string, ApiNode>;

type Origin = { id: string; slot: number } | null;

export function wrapValue(value: unknown): unknown {
  return Array.isArray(value) ? { __value__: value } : value;
}

export function toPrompt(graph: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }, defs: NodeDefs): ApiPrompt {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = incomingIndex(graph.edges);

  /** What really feeds `edge`'s target, through reroutes and bypassed nodes. */
  const resolve = (edge: GraphEdge | undefined, want: SocketType, seen = new Set<string>()): Origin => {
    if (!edge) return null;
    const node = byId.get(edge.source);
    if (!node || seen.has(node.id)) return null;
    seen.add(node.id);
    if (node.type === "reroute") return resolve(incoming.get(`${node.id}:${inHandle("")}`), want, seen);
    if (!isGraphNode(node)) return null;
    if (node.data.mode === 2) return null;
    if (node.data.mode === 4) {
      const slot = outSlot(edge.sourceHandle);
      const def = defs[node.data.classType];
      const outType = def?.outputs[slot]?.type ?? want;
      const all = def ? expandInputs(withDynamic(def.inputs, node.data.widgets), (name) => incoming.has(`${node.id}:${inHandle(name)}`)) : [];
      const linked = all.filter((i) => incoming.has(`${node.id}:${inHandle(i.name)}`));
      const same = all[slot];
      const pick = same && linked.includes(same) && canConnect(same.type, outType) ? same : linked.find((i) => canConnect(i.type, outType));
      return pick ? resolve(incoming.get(`${node.id}:${inHandle(pick.name)}`), want, seen) : null;
    }
    return { id: node.id, slot: outSlot(edge.sourceHandle) };
  };

  const prompt: ApiPrompt = {};
  for (const node of graph.nodes) {
    if (!isGraphNode(node) || node.data.mode !== 0) continue;
    const d = node.data;
    const def = defs[d.classType];
    const inputs: Record<string, unknown> = {};
    // autogrow inputs (ComfyUI's COMFY_AUTOGROW_V3) are sent as their sockets: "images.image0", ...
    // and a dynamic combo with the inputs its chosen value brings ("model.aspect_ratio", ...)
    const defInputs = def ? expandInputs(withDynamic(def.inputs, d.widgets), (name) => incoming.has(`${node.id}:${inHandle(name)}`)) : [];
    const names = def ? defInputs.map((i) => i.name) : (d.missing?.inputs ?? []).map((i) => i.name);
    for (const name of names) {
      const input = defInputs.find((i) => i.name === name);
      const edge = incoming.get(`${node.id}:${inHandle(name)}`);
      if (edge) {
        const origin = resolve(edge, input?.type ?? "*");
        if (origin) inputs[name] = [origin.id, origin.slot];
        continue;
      }
      if (input?.widget && d.widgets[name] !== undefined) inputs[name] = wrapValue(d.widgets[name]);
    }
    prompt[node.id] = { class_type: d.classType, inputs, _meta: { title: d.title || def?.displayName || d.classType } };
  }
  // Links to nodes that are not sent (muted, missing) are dropped, as ComfyUI does.
  for (const entry of Object.values(prompt)) {
    for (const [k, v] of Object.entries(entry.inputs)) {
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && !(v[0] in prompt)) delete entry.inputs[k];
    }
  }
  return prompt;
}

export function isApiPrompt(doc: unknown): doc is ApiPrompt {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return false;
  const values = Object.values(doc as object);
  return values.length > 0 && values.every((v) => v && typeof v === "object" && typeof (v as ApiNode).class_type === "string");
}

const isLink = (v: unknown): v is [string, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "number";

/** An API prompt as a canvas graph, laid out left to right. */
export function fromPrompt(prompt: ApiPrompt, defs: NodeDefs): { nodes: GraphNode[]; edges: GraphEdge[]; missingTypes: string[] } {
  const ids = new Map<string, string>();
  let next = 1;
  const keys = Object.keys(prompt);
  const numeric = keys.every((k) => /^[1-9]\d*$/.test(k));
  for (const k of keys) ids.set(k, numeric ? k : String(next++));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const missing = new Set<string>();
  for (const [key, entry] of Object.entries(prompt)) {
    const id = ids.get(key)!;
    const def = defs[entry.class_type];
    const widgets: Record<string, unknown> = {};
    const linkedInputs: { name: string; type: string }[] = [];
    for (const [name, value] of Object.entries(entry.inputs ?? {})) {
      if (isLink(value)) {
        const src = prompt[value[0]];
        const type = defs[src?.class_type]?.outputs[value[1]]?.type ?? "*";
        if (ids.has(value[0])) edges.push(makeEdge(ids.get(value[0])!, value[1], id, name, type));
        linkedInputs.push({ name, type });
      } else {
        widgets[name] = value && typeof value === "object" && "__value__" in (value as object) ? (value as { __value__: unknown }).__value__ : value;
      }
    }
    const data: GraphNodeData = {
      classType: entry.class_type,
      title: entry._meta?.title && entry._meta.title !== def?.displayName ? entry._meta.title : undefined,
      widgets: {},
      controls: {},
      mode: 0 as NodeMode,
    };
    if (def) {
      for (const i of def.inputs) if (i.widget) data.widgets[i.name] = i.name in widgets ? widgets[i.name] : i.default;
      data.controls = Object.fromEntries(Object.keys(defaultControls(def)).map((k) => [k, "fixed" as const]));
    } else {
      missing.add(entry.class_type);
      data.missing = { inputs: linkedInputs, outputs: [{ name: "output", type: "*" }], widgetsValues: widgets };
      data.widgets = widgets;
    }
    const size = estimateSize(def);
    nodes.push({ id, type: "graph", position: { x: 0, y: 0 }, initialWidth: size.width, initialHeight: size.height, data });
  }
  const positions = layoutGraph(nodes.map((n) => ({ id: n.id, ...nodeSize(n) })), edges);
  for (const n of nodes) n.position = positions.get(n.id) ?? n.position;
  return { nodes, edges, missingTypes: [...missing] };
}
