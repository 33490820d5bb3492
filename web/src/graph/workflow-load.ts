/**
 * ComfyUI UI workflow (version 0.4 link arrays, version 1 link objects) → canvas.
 * Unknown node types become placeholders that keep their sockets and values (never
 * dropped silently); PrimitiveNodes become our Primitive* nodes when one fits the type,
 * otherwise their value is written into the widgets they fed; Reroutes and Notes stay.
 * Input is untrusted JSON: every field is checked before use and text stays text.
 */
import { estimateSize, makeEdge } from "./node-factory";
import type { ControlMode, GraphEdge, GraphNode, NodeDefs, NodeMode, Viewport } from "./types";
import { fromWidgetsValues } from "./widgets";
import { t } from "../i18n/translate";

export interface LoadResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  viewport?: Viewport;
  missingTypes: string[];
  warnings: string[];
}

interface RawLink {
  id: number;
  origin: string;
  originSlot: number;
  target: string;
  targetSlot: number;
  type: string;
}

type RawNode = Record<string, unknown> & { id: number | string; type: string };

const PRIMITIVES: Record<string, string> = { INT: "PrimitiveInt", FLOAT: "PrimitiveFloat", STRING: "PrimitiveString", BOOLEAN: "PrimitiveBoolean" };

/** Raw node types standing for a subgraph's input and output nodes (see subgraph.ts). */
export const SG_IN_TYPE = "__subgraph_inputs__";
export const SG_OUT_TYPE = "__subgraph_outputs__";

export function isUIWorkflow(doc: unknown): doc is { nodes: unknown[] } {
  return !!doc && typeof doc === "object" && Array.isArray((doc as { nodes?: unknown }).nodes);
}

function readLinks(raw: unknown): Map<number, RawLink> {
  const out = new Map<number, RawLink>();
  if (!Array.isArray(raw)) return out;
  for (const l of raw) {
    if (Array.isArray(l) && l.length >= 5) {
      out.set(Number(l[0]), { id: Number(l[0]), origin: String(l[1]), originSlot: Number(l[2]), target: String(l[3]), targetSlot: Number(l[4]), type: String(l[5] ?? "*") });
    } else if (l && typeof l === "object") {
      const o = l as Record<string, unknown>;
      out.set(Number(o.id), { id: Number(o.id), origin: String(o.origin_id), originSlot: Number(o.origin_slot), target: String(o.target_id), targetSlot: Number(o.target_slot), type: String(o.type ?? "*") });
    }
  }
  return out;
}

const pair = (v: unknown, a: number, b: number): [number, number] => {
  if (Array.isArray(v) && v.length >= 2) return [Number(v[0]) || 0, Number(v[1]) || 0];
  if (v && typeof v === "object" && "0" in v) return [Number((v as Record<string, unknown>)[0]) || 0, Number((v as Record<string, unknown>)[1]) || 0];
  return [a, b];
};

const sockets = (raw: unknown): { name: string; type: string; link?: number | null; widget?: unknown }[] =>
  Array.isArray(raw) ? raw.filter((s) => s && typeof s === "object").map((s) => ({ ...s, name: String(s.name ?? ""), type: String(s.type ?? "*") })) : [];

export function loadWorkflow(doc: unknown, defs: NodeDefs): LoadResult {
  if (!isUIWorkflow(doc)) throw new Error(t("file.noNodes"));
  const w = doc as Record<string, unknown>;
  const links = readLinks(w.links);
  const rawNodes = (w.nodes as unknown[]).filter((n): n is RawNode => !!n && typeof n === "object" && "id" in n && typeof (n as RawNode).type === "string");
  const definitions: unknown[] = Array.isArray((w.definitions as { subgraphs?: unknown[] } | undefined)?.subgraphs)
    ? (w.definitions as { subgraphs: unknown[] }).subgraphs.filter((s) => s && typeof s === "object" && typeof (s as { id?: unknown }).id === "string")
    : [];
  const subgraphs = new Map(definitions.map((s) => [String((s as { id: string }).id), s as { id: string; name?: unknown }]));
  const byId = new Map(rawNodes.map((n) => [String(n.id), n]));
  const nodes: GraphNode[] = [];
  const missing = new Set<string>();
  const warnings: string[] = [];
  const inlined = new Map<string, unknown>(); // primitive node id → value

  for (const n of rawNodes) {
    const id = String(n.id);
    const [x, y] = pair(n.pos, 0, 0);
    const [width, height] = pair(n.size, 0, 0);
    const flags = (n.flags && typeof n.flags === "object" ? n.flags : {}) as Record<string, unknown>;
    const position = { x, y };
    const title = typeof n.title === "string" ? n.title : undefined;
    const values = n.widgets_values;
    if (n.type === SG_IN_TYPE || n.type === SG_OUT_TYPE) {
      const dir = n.type === SG_IN_TYPE ? "in" : "out";
      const slots = sockets(dir === "in" ? n.outputs : n.inputs).map(({ name, type }) => ({ name, type }));
      nodes.push({ id, type: "sgio", position, data: { dir, slots }, deletable: false, initialWidth: 170, initialHeight: 44 + 26 * slots.length });
      continue;
    }
    if (n.type === "Reroute") {
      const out = sockets(n.outputs)[0];
      nodes.push({ id, type: "reroute", position, data: { type: out?.type ?? "*" }, initialWidth: 40, initialHeight: 24 });
      continue;
    }
    if (n.type === "Note" || n.type === "MarkdownNote") {
      const text = Array.isArray(values) ? String(values[0] ?? "") : "";
      nodes.push({ id, type: "note", position, data: { text, classType: n.type }, width: width || 300, height: height || 120 });
      continue;
    }
    if (n.type === "PrimitiveNode") {
      const out = sockets(n.outputs)[0];
      const prim = out && PRIMITIVES[out.type];
      const value = Array.isArray(values) ? values[0] : undefined;
      if (prim && defs[prim]) {
        const control = Array.isArray(values) && typeof values[1] === "string" ? (values[1] as ControlMode) : "fixed";
        const def = defs[prim];
        const size = estimateSize(def);
        const controls: Record<string, ControlMode> = {};
        for (const i of def.inputs) if (i.control) controls[i.name] = control;
        nodes.push({
          id, type: "graph", position, initialWidth: size.width, initialHeight: size.height,
          data: { classType: prim, title, widgets: { value }, controls, mode: Number(n.mode ?? 0) as NodeMode },
        });
      } else {
        inlined.set(id, value);
      }
      continue;
    }
    const def = defs[n.type];
    const size = estimateSize(def);
    const common = {
      id, type: "graph" as const, position,
      initialWidth: width || size.width, initialHeight: height || size.height,
    };
    const mode = ([0, 2, 4].includes(Number(n.mode)) ? Number(n.mode) : 0) as NodeMode;
    const extra = {
      title, mode,
      collapsed: flags.collapsed === true || undefined,
      pinned: flags.pinned === true || undefined,
      color: typeof n.color === "string" ? n.color : undefined,
      properties: n.properties && typeof n.properties === "object" ? (n.properties as Record<string, unknown>) : undefined,
    };
    if (!def) {
      const sub = subgraphs.get(n.type);
      if (!sub) missing.add(n.type);
      nodes.push({
        ...common,
        data: {
          classType: n.type, widgets: {}, controls: {}, ...extra,
          ...(sub ? { subgraph: { id: sub.id, name: typeof sub.name === "string" ? sub.name : sub.id, definitions } } : {}),
          missing: {
            inputs: sockets(n.inputs).map(({ name, type, widget }) => ({
              name, type,
              ...(widget && typeof widget === "object" && typeof (widget as { name?: unknown }).name === "string" ? { widget: (widget as { name: string }).name } : {}),
            })),
            outputs: sockets(n.outputs).map(({ name, type }) => ({ name, type })),
            widgetsValues: values ?? [],
          },
        },
      });
      continue;
    }
    const { widgets, controls, tail } = fromWidgetsValues(def, values);
    nodes.push({ ...common, data: { classType: n.type, widgets, controls, ...extra, ...(tail ? { widgetsTail: tail } : {}) } });
  }

  const edges: GraphEdge[] = [];
  const kept = new Set(nodes.map((n) => n.id));
  for (const l of links.values()) {
    const target = byId.get(l.target);
    if (!target || !byId.has(l.origin)) {
      warnings.push(t("load.danglingLink", { id: l.id }));
      continue;
    }
    const input = sockets(target.inputs)[l.targetSlot];
    const name = target.type === "Reroute" ? "" : input?.name ?? "";
    if (inlined.has(l.origin)) {
      const node = nodes.find((n) => n.id === l.target);
      if (node && node.type === "graph") node.data.widgets = { ...node.data.widgets, [name]: inlined.get(l.origin) };
      continue;
    }
    if (!kept.has(l.target) || !kept.has(l.origin)) continue;
    edges.push(makeEdge(l.origin, l.originSlot, l.target, name, l.type));
  }
  if (inlined.size) warnings.push(t("load.primitives", { count: inlined.size }));

  const groups: GraphNode[] = [];
  if (Array.isArray(w.groups)) {
    w.groups.forEach((g, i) => {
      if (!g || typeof g !== "object") return;
      const b = Array.isArray(g.bounding) ? g.bounding.map(Number) : [0, 0, 300, 200];
      groups.push({
        id: `group-${i + 1}`, type: "group", position: { x: b[0] || 0, y: b[1] || 0 },
        width: b[2] || 300, height: b[3] || 200, zIndex: -1, selectable: true,
        data: { title: String(g.title ?? "Group"), color: typeof g.color === "string" ? g.color : undefined },
      });
    });
  }
  const ds = (w.extra as { ds?: { scale?: unknown; offset?: unknown } } | undefined)?.ds;
  let viewport: Viewport | undefined;
  if (ds && typeof ds.scale === "number" && ds.scale > 0) {
    const [ox, oy] = pair(ds.offset, 0, 0);
    viewport = { zoom: ds.scale, x: ox * ds.scale, y: oy * ds.scale };
  }
  if (missing.size) warnings.unshift(t("load.missing", { types: [...missing].join(", ") }));
  return { nodes: [...groups, ...nodes], edges, viewport, missingTypes: [...missing], warnings };
}
