/**
 * Subgraph editing as pure operations on canvas graphs, in ComfyUI's format: a
 * definition (in the document's `definitions.subgraphs`) holds its own nodes and links;
 * its inputs leave the input node (id -10) and its outputs enter the output node (id
 * -20); an instance is a node whose type is the definition's id. Here: open a
 * definition as a graph to edit, write an edited graph back into its definition, make
 * a subgraph of a selection, and unpack an instance into its nodes.
 */
import { boundsOf, makeEdge, nextId, nodeSize } from "./node-factory";
import type { GraphEdge, GraphNode, GraphNodeData, NodeDefs, SubgraphIOData } from "./types";
import { inName, isGraphNode, outSlot } from "./types";
import { toWorkflow } from "./workflow";
import { loadWorkflow, SG_IN_TYPE, SG_OUT_TYPE } from "./workflow-load";

export interface Snap {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Slot {
  name: string;
  type: string;
}

export type Definition = Record<string, unknown> & { id: string; name?: unknown };

export const SG_IN_ID = "-10";
export const SG_OUT_ID = "-20";

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const slotsOf = (v: unknown): Slot[] => list(v).map((s) => ({ name: String(obj(s).name ?? ""), type: String(obj(s).type ?? "*") }));
const bounding = (io: unknown, x: number, y: number): [number, number, number, number] => {
  const b = list(obj(io).bounding).map(Number);
  return [Number.isFinite(b[0]) ? b[0] : x, Number.isFinite(b[1]) ? b[1] : y, b[2] || 120, b[3] || 60];
};

export const definitionName = (d: Definition): string => (typeof d.name === "string" && d.name ? d.name : d.id);

/** The document's subgraph definitions as the graph's instances carry them (null when it has none). */
export function definitionsIn(nodes: readonly GraphNode[]): unknown[] | null {
  for (const n of nodes) if (isGraphNode(n) && n.data.subgraph) return n.data.subgraph.definitions;
  return null;
}

export function findDefinition(definitions: readonly unknown[], id: string): Definition | undefined {
  return definitions.find((d) => obj(d).id === id) as Definition | undefined;
}

/** The inside of a definition as a graph to edit: its nodes, links, and its input and output nodes. */
export function openDefinition(def: Definition, definitions: unknown[], defs: NodeDefs): Snap & { warnings: string[] } {
  const inputs = slotsOf(def.inputs);
  const outputs = slotsOf(def.outputs);
  const [ix, iy] = bounding(def.inputNode, -300, 0);
  const [ox, oy] = bounding(def.outputNode, 600, 0);
  const doc = {
    nodes: [
      { id: Number(SG_IN_ID), type: SG_IN_TYPE, pos: [ix, iy], outputs: inputs },
      { id: Number(SG_OUT_ID), type: SG_OUT_TYPE, pos: [ox, oy], inputs: outputs },
      ...list(def.nodes),
    ],
    links: def.links,
    groups: def.groups,
    definitions: { subgraphs: definitions },
  };
  const r = loadWorkflow(doc, defs);
  return { nodes: r.nodes, edges: r.edges, warnings: r.warnings };
}

const ioNode = (nodes: readonly GraphNode[], dir: "in" | "out") =>
  nodes.find((n): n is Extract<GraphNode, { type: "sgio" }> => n.type === "sgio" && n.data.dir === dir);

const newUuid = (): string =>
  typeof crypto !== "undefined" && crypto.randomUUID
    ? crypto.randomUUID()
    : "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, () => Math.floor(Math.random() * 16).toString(16));

/** Write an edited inside back into its definition (everything else in the definition is kept). */
export function toDefinition(def: Definition, inner: Snap, defs: NodeDefs): Definition {
  const w = toWorkflow(inner, defs);
  const links = w.links.map(([id, o, os, t, ts, type]) => ({ id, origin_id: o, origin_slot: os, target_id: t, target_slot: ts, type }));
  const inNode = ioNode(inner.nodes, "in");
  const outNode = ioNode(inner.nodes, "out");
  const slots = (dir: "in" | "out", old: unknown) =>
    ((dir === "in" ? inNode : outNode)?.data.slots ?? []).map((s, i) => ({
      id: newUuid(),
      ...obj(list(old)[i]),
      name: s.name,
      type: s.type,
      linkIds: links.filter((l) => (dir === "in" ? l.origin_id === -10 && l.origin_slot === i : l.target_id === -20 && l.target_slot === i)).map((l) => l.id),
    }));
  const ioBox = (n: GraphNode | undefined, old: unknown, id: number) => {
    const size = n ? nodeSize(n) : { width: 120, height: 60 };
    return { ...obj(old), id, bounding: [n?.position.x ?? 0, n?.position.y ?? 0, size.width, size.height] };
  };
  return {
    ...def,
    state: { lastGroupId: 0, lastRerouteId: 0, ...obj(def.state), lastNodeId: w.last_node_id, lastLinkId: w.last_link_id },
    inputNode: ioBox(inNode, def.inputNode, -10),
    outputNode: ioBox(outNode, def.outputNode, -20),
    inputs: slots("in", def.inputs),
    outputs: slots("out", def.outputs),
    nodes: w.nodes,
    links,
    groups: w.groups,
  };
}

/** `definitions` with `def` in place of the one of the same id (added when new). */
export function withDefinition(definitions: readonly unknown[], def: Definition): unknown[] {
  const at = definitions.findIndex((d) => obj(d).id === def.id);
  return at < 0 ? [...definitions, def] : definitions.map((d, i) => (i === at ? def : d));
}

/** Every instance in `nodes` given the document's definitions (and its definition's current name). */
export function withDefinitions(nodes: GraphNode[], definitions: unknown[]): GraphNode[] {
  return nodes.map((n) => {
    if (!isGraphNode(n) || !n.data.subgraph) return n;
    const def = findDefinition(definitions, n.data.subgraph.id);
    if (n.data.subgraph.definitions === definitions && (!def || definitionName(def) === n.data.subgraph.name)) return n;
    const data = { ...n.data, subgraph: { ...n.data.subgraph, definitions, name: def ? definitionName(def) : n.data.subgraph.name } };
    return { ...n, data: def ? withSockets(data, def) : data };
  });
}

/** An instance's sockets after its definition gained inputs or outputs (new ones appended; saved ones and their promoted widgets kept). */
function withSockets(data: GraphNodeData, def: Definition): GraphNodeData {
  const m = data.missing ?? { inputs: [], outputs: [], widgetsValues: [] };
  const names = new Set(m.inputs.map((i) => i.name));
  const inputs = [...m.inputs, ...slotsOf(def.inputs).filter((i) => !names.has(i.name))];
  const outputs = [...m.outputs, ...slotsOf(def.outputs).slice(m.outputs.length)];
  return inputs.length === m.inputs.length && outputs.length === m.outputs.length ? data : { ...data, missing: { ...m, inputs, outputs } };
}

/** The handle of an open subgraph's output node that makes a new output when linked. */
export const NEW_SLOT = "+";

/**
 * Link an open subgraph's input node to an inner input, or an inner output to its output
 * node, through their free "+" slot: a new subgraph input or output named after the inner
 * socket, with its type. Null when the link does not use a free slot.
 */
export function linkNewSlot(
  s: Snap, c: { source: string; sourceHandle: string; target: string; targetHandle: string }, types: { out: string; in: string; outName: string },
): Snap | null {
  const src = s.nodes.find((n) => n.id === c.source);
  const dst = s.nodes.find((n) => n.id === c.target);
  const grow = (io: GraphNode, slot: Slot) => s.nodes.map((n) => (n === io && n.type === "sgio" ? { ...n, data: { ...n.data, slots: [...n.data.slots, slot] } } : n));
  if (src?.type === "sgio" && src.data.dir === "in" && outSlot(c.sourceHandle) >= src.data.slots.length) {
    const name = unique(inName(c.targetHandle).split(".").pop() || types.in, new Set(src.data.slots.map((x) => x.name)));
    return { nodes: grow(src, { name, type: types.in }), edges: [...s.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle)), makeEdge(src.id, src.data.slots.length, c.target, inName(c.targetHandle), types.in)] };
  }
  if (dst?.type === "sgio" && dst.data.dir === "out" && inName(c.targetHandle) === NEW_SLOT) {
    const name = unique(types.outName || types.out, new Set(dst.data.slots.map((x) => x.name)));
    return { nodes: grow(dst, { name, type: types.out }), edges: [...s.edges, makeEdge(c.source, outSlot(c.sourceHandle), dst.id, name, types.out)] };
  }
  return null;
}

/** A name not yet in `taken` ("IMAGE", then "IMAGE_1", ...). */
function unique(name: string, taken: Set<string>): string {
  let out = name || "value";
  for (let i = 1; taken.has(out); i++) out = `${name}_${i}`;
  taken.add(out);
  return out;
}

export function instanceNode(id: string, position: { x: number; y: number }, def: Definition, definitions: unknown[]): GraphNode {
  const data: GraphNodeData = {
    classType: def.id, widgets: {}, controls: {}, mode: 0,
    subgraph: { id: def.id, name: definitionName(def), definitions },
    missing: { inputs: slotsOf(def.inputs), outputs: slotsOf(def.outputs), widgetsValues: [] },
  };
  return { id, type: "graph", position, data, initialWidth: 260, initialHeight: 60 + 22 * Math.max(1, slotsOf(def.inputs).length, slotsOf(def.outputs).length) };
}

type IdSet = ReadonlySet<string>;
interface CreateOptions {
  name: string;
  outputName: (id: string, slot: number) => string;
  id?: string;
  definitions?: unknown[];
}

/**
 * Make a subgraph of the nodes `ids`: they move into a new definition; each outside
 * output feeding them becomes one of its inputs, each of their outputs used outside
 * becomes one of its outputs, and an instance takes their place, wired the same way.
 * `outputName(nodeId, slot)` names an output (the inner node's output name).
 */
export function createSubgraph(s: Snap, ids: IdSet, defs: NodeDefs, opts: CreateOptions): (Snap & { instanceId: string; definition: Definition }) | null {
  const sel = s.nodes.filter((n) => ids.has(n.id) && n.type !== "group" && n.type !== "sgio");
  if (!sel.length) return null;
  const inside = new Set(sel.map((n) => n.id));
  const incoming = s.edges.filter((e) => !inside.has(e.source) && inside.has(e.target));
  const outgoing = s.edges.filter((e) => inside.has(e.source) && !inside.has(e.target));
  const inputs: (Slot & { key: string; edge: GraphEdge })[] = [];
  const outputs: (Slot & { key: string; edge: GraphEdge })[] = [];
  const inNames = new Set<string>();
  const outNames = new Set<string>();
  for (const e of incoming) {
    const key = `${e.source}:${e.sourceHandle}`;
    if (!inputs.some((i) => i.key === key)) inputs.push({ key, edge: e, name: unique(inName(e.targetHandle), inNames), type: e.data?.type ?? "*" });
  }
  for (const e of outgoing) {
    const key = `${e.source}:${e.sourceHandle}`;
    if (!outputs.some((o) => o.key === key)) outputs.push({ key, edge: e, name: unique(opts.outputName(e.source, outSlot(e.sourceHandle)), outNames), type: e.data?.type ?? "*" });
  }
  const box = boundsOf(sel)!;
  const [x0, y0, x1, y1] = [box.x, box.y, box.x + box.width, box.y + box.height];
  const io = (dir: "in" | "out", slots: Slot[], x: number): GraphNode => ({
    id: dir === "in" ? SG_IN_ID : SG_OUT_ID, type: "sgio", position: { x, y: (y0 + y1) / 2 - 40 },
    data: { dir, slots: slots.map(({ name, type }) => ({ name, type })) } satisfies SubgraphIOData, deletable: false, initialWidth: 170, initialHeight: 44 + 26 * slots.length,
  });
  const innerEdges = [
    ...s.edges.filter((e) => inside.has(e.source) && inside.has(e.target)),
    ...incoming.map((e) => makeEdge(SG_IN_ID, inputs.findIndex((i) => i.key === `${e.source}:${e.sourceHandle}`), e.target, inName(e.targetHandle), e.data?.type ?? "*")),
    ...outputs.map((o) => makeEdge(o.edge.source, outSlot(o.edge.sourceHandle), SG_OUT_ID, o.name, o.type)),
  ];
  const inner: Snap = {
    nodes: [io("in", inputs, x0 - 260), ...sel.map((n) => ({ ...n, selected: false })), io("out", outputs, x1 + 80)],
    edges: innerEdges.map((e) => ({ ...e, selected: false })),
  };
  const blank: Definition = {
    id: opts.id ?? newUuid(), version: 1, revision: 0, name: opts.name,
    state: { lastGroupId: 0, lastNodeId: 0, lastLinkId: 0, lastRerouteId: 0 }, config: {}, extra: {}, groups: [], widgets: [],
    inputNode: { id: -10 }, outputNode: { id: -20 }, inputs: [], outputs: [], nodes: [], links: [],
  };
  const definition = toDefinition(blank, inner, defs);
  const definitions = withDefinition(opts.definitions ?? definitionsIn(s.nodes) ?? [], definition);
  const instanceId = nextId(s.nodes);
  const instance = { ...instanceNode(instanceId, { x: x0, y: y0 }, definition, definitions), selected: true };
  const edges = [
    ...s.edges.filter((e) => !inside.has(e.source) && !inside.has(e.target)),
    ...inputs.map((i) => makeEdge(i.edge.source, outSlot(i.edge.sourceHandle), instanceId, i.name, i.type)),
    ...outgoing.map((e) => makeEdge(instanceId, outputs.findIndex((o) => o.key === `${e.source}:${e.sourceHandle}`), e.target, inName(e.targetHandle), e.data?.type ?? "*")),
  ];
  const rest = withDefinitions(s.nodes.filter((n) => !inside.has(n.id)).map((n) => (n.selected ? { ...n, selected: false } : n)), definitions);
  return { nodes: [...rest, instance], edges, instanceId, definition };
}

/**
 * Replace the instance `id` by the nodes of its definition (fresh ids, placed where the
 * instance was), wired as the instance was; a promoted widget's value goes to the inner
 * widget it fed. Null when `id` is not an instance or its definition is missing.
 */
export function unpackSubgraph(s: Snap, id: string, defs: NodeDefs): (Snap & { ids: string[] }) | null {
  const inst = s.nodes.find((n) => n.id === id);
  if (!inst || !isGraphNode(inst) || !inst.data.subgraph) return null;
  const def = findDefinition(inst.data.subgraph.definitions, inst.data.subgraph.id);
  if (!def) return null;
  const inner = openDefinition(def, inst.data.subgraph.definitions, defs);
  const body = inner.nodes.filter((n) => n.type !== "sgio");
  const inSlots = slotsOf(def.inputs);
  const outSlots = slotsOf(def.outputs);
  // Fresh ids and positions relative to the instance.
  let next = Number(nextId(s.nodes));
  const ids = new Map<string, string>();
  for (const n of body) ids.set(n.id, n.type === "group" ? `group-${Date.now().toString(36)}-${next++}` : String(next++));
  const x0 = Math.min(...body.map((n) => n.position.x));
  const y0 = Math.min(...body.map((n) => n.position.y));
  const promoted = new Map<string, unknown>();
  const instInputs = inst.data.missing?.inputs ?? [];
  const values = list(inst.data.missing?.widgetsValues);
  instInputs.filter((i) => i.widget).forEach((i, k) => k < values.length && promoted.set(i.name, values[k]));
  const outerIn = (name: string) => s.edges.find((e) => e.target === id && inName(e.targetHandle) === name);
  const outerOut = (slot: number) => s.edges.filter((e) => e.source === id && outSlot(e.sourceHandle) === slot);

  const widgetValues = new Map<string, Record<string, unknown>>();
  const edges: GraphEdge[] = [];
  for (const e of inner.edges) {
    const fromIn = e.source === SG_IN_ID;
    const toOut = e.target === SG_OUT_ID;
    const type = e.data?.type ?? "*";
    const slot = outSlot(e.sourceHandle);
    const outIndex = toOut ? outSlots.findIndex((o) => o.name === inName(e.targetHandle)) : -1;
    const sources: { node: string; slot: number }[] = [];
    if (fromIn) {
      const name = inSlots[slot]?.name ?? "";
      const outer = outerIn(name);
      if (outer) sources.push({ node: outer.source, slot: outSlot(outer.sourceHandle) });
      else if (promoted.has(name) && !toOut) {
        const target = ids.get(e.target)!;
        widgetValues.set(target, { ...(widgetValues.get(target) ?? {}), [inName(e.targetHandle)]: promoted.get(name) });
      }
    } else sources.push({ node: ids.get(e.source)!, slot });
    for (const src of sources) {
      if (toOut) for (const o of outerOut(outIndex)) edges.push(makeEdge(src.node, src.slot, o.target, inName(o.targetHandle), type));
      else edges.push(makeEdge(src.node, src.slot, ids.get(e.target)!, inName(e.targetHandle), type));
    }
  }
  const fresh = body.map((n) => {
    const nid = ids.get(n.id)!;
    const moved = { ...n, id: nid, selected: true, position: { x: inst.position.x + n.position.x - x0, y: inst.position.y + n.position.y - y0 } } as GraphNode;
    const w = widgetValues.get(nid);
    return w && isGraphNode(moved) ? { ...moved, data: { ...moved.data, widgets: { ...moved.data.widgets, ...w } } } : moved;
  });
  return {
    nodes: [...s.nodes.filter((n) => n.id !== id).map((n) => (n.selected ? { ...n, selected: false } : n)), ...fresh],
    edges: [...s.edges.filter((e) => e.source !== id && e.target !== id), ...edges],
    ids: fresh.map((n) => n.id),
  };
}

/** One level of an open subgraph: the graph it was opened from and which instance. */
export interface Frame {
  instanceId: string;
  defId: string;
  name: string;
  definitions: unknown[];
  parent: Snap;
}

/** The parent graph with the edited inside written back into the definition of every instance. */
export function closeFrame(frame: Frame, inner: Snap, defs: NodeDefs): Snap {
  const base = definitionsIn(inner.nodes) ?? frame.definitions;
  const old = findDefinition(base, frame.defId) ?? findDefinition(frame.definitions, frame.defId) ?? { id: frame.defId, name: frame.name };
  const definitions = withDefinition(base, toDefinition(old, inner, defs));
  return { nodes: withDefinitions(frame.parent.nodes, definitions), edges: frame.parent.edges };
}

/** The root graph of a stack of open subgraphs, every level written back (for saving and running). */
export function rootOf(frames: readonly Frame[], top: Snap, defs: NodeDefs): Snap {
  let g = top;
  for (let i = frames.length - 1; i >= 0; i--) g = closeFrame(frames[i], g, defs);
  return g;
}
