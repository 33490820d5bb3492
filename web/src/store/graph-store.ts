/**
 * The graph store: nodes and edges of the active tab (handed to React Flow as they
 * are), the undo history, and the other open tabs. Every edit goes through `edit`,
 * which records the state it started from; drags record once at drag start, widget
 * typing is grouped by key, and selection/measurement/runtime never record. Node
 * identity is preserved: an edit replaces only the nodes it touches.
 */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { createStore } from "zustand";
import { scoped } from "./scope";
import { checkConnection, firstCompatibleInput, firstCompatibleOutput } from "../graph/compat";
import { withDynamic } from "../graph/object-info";
import { emptyHistory, record, redo, undo, type History, type Snapshot } from "../graph/history";
import { deleteKeepingLinks, insertOnLink, linkUnder, type Sockets } from "../graph/edit-ops";
import { layoutGraph } from "../graph/layout";
import { adjacency, boundsOf, createNode, makeEdge, nextId, nodeSize } from "../graph/node-factory";
import type { ControlMode, GraphEdge, GraphNode, GraphNodeData, NodeDef, NodeDefs, NodeMode, Viewport } from "../graph/types";
import { inName, isGraphNode, outSlot } from "../graph/types";
import { t } from "../i18n";
import { closeFrame, linkNewSlot, rootOf, type Frame } from "../graph/subgraph";
import { defsNow } from "./catalogue-store";

export interface TabMeta {
  id: string;
  title: string;
  savedName: string | null;
  dirty: boolean;
  /** The saved file's modification time (server seconds) when this tab last read or wrote it. */
  savedAt?: number;
}

export interface TabContent {
  nodes: GraphNode[];
  edges: GraphEdge[];
  viewport: Viewport | null;
  history: History;
}

export interface LinkFrom {
  nodeId: string;
  handleId: string;
  handleType: "source" | "target";
  type: string;
}

interface GraphState {
  nodes: GraphNode[];
  edges: GraphEdge[];
  history: History;
  viewport: Viewport | null;
  tabs: TabMeta[];
  activeTab: string;
  stash: Record<string, TabContent>;
  /** Bumped when a whole graph is loaded, so the canvas can fit or restore the view. */
  loadCount: number;
  /** Open subgraphs, outermost first: the canvas shows the innermost one's inside. */
  frames: StoreFrame[];
}

/** An open subgraph level: its parent graph with the parent's undo history and view. */
export type StoreFrame = Frame & { history: History; viewport: Viewport | null };

const newTabId = () => `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

export const createGraphStore = () => {
  const firstTab = newTabId();
  return createStore<GraphState>()(() => ({
    nodes: [],
    edges: [],
    history: emptyHistory(),
    viewport: null,
    tabs: [{ id: firstTab, title: "Untitled", savedName: null, dirty: false }],
    activeTab: firstTab,
    stash: {},
    loadCount: 0,
    frames: [],
  }));
};
export const useGraph = scoped("graph", createGraphStore);

const get = useGraph.getState;
const set = useGraph.setState;

function markDirty(): Partial<GraphState> {
  const { tabs, activeTab } = get();
  const tab = tabs.find((t) => t.id === activeTab);
  if (!tab || tab.dirty) return {};
  return { tabs: tabs.map((t) => (t.id === activeTab ? { ...t, dirty: true } : t)) };
}

/** Apply an edit as one undo step. `key` groups repeated edits (typing) within a second. */
export function edit(fn: (s: Snapshot) => Partial<Snapshot>, key: string | null = null): void {
  const s = get();
  const before = { nodes: s.nodes, edges: s.edges };
  const patch = fn(before);
  if ((patch.nodes ?? s.nodes) === s.nodes && (patch.edges ?? s.edges) === s.edges) return;
  set({ ...patch, history: record(s.history, before, key), ...markDirty() });
}

/** Record the current state as an undo step before a drag (the drag's frames do not record). */
export function beginDrag(): void {
  const s = get();
  set({ history: record(s.history, { nodes: s.nodes, edges: s.edges }), ...markDirty() });
}

export function onNodesChange(changes: NodeChange<GraphNode>[]): void {
  const removing = changes.some((c) => c.type === "remove");
  if (removing) {
    edit((s) => {
      const nodes = applyNodeChanges(changes, s.nodes);
      const ids = new Set(nodes.map((n) => n.id));
      return { nodes, edges: s.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
    });
    return;
  }
  set({ nodes: applyNodeChanges(changes, get().nodes) });
}

export function onEdgesChange(changes: EdgeChange<GraphEdge>[]): void {
  if (changes.some((c) => c.type === "remove")) edit((s) => ({ edges: applyEdgeChanges(changes, s.edges) }));
  else set({ edges: applyEdgeChanges(changes, get().edges) });
}

export function outputType(node: GraphNode | undefined, slot: number, defs: NodeDefs): string {
  if (!node) return "*";
  if (node.type === "sgio") return node.data.slots[slot]?.type ?? "*";
  if (node.type === "reroute") return node.data.type;
  if (!isGraphNode(node)) return "*";
  return defs[node.data.classType]?.outputs[slot]?.type ?? node.data.missing?.outputs[slot]?.type ?? "*";
}

export function inputType(node: GraphNode | undefined, name: string, defs: NodeDefs): string {
  if (!node) return "*";
  if (node.type === "sgio") return node.data.slots.find((s) => s.name === name)?.type ?? "*";
  if (node.type === "reroute") return "*";
  if (!isGraphNode(node)) return "*";
  const def = defs[node.data.classType];
  const inputs = def ? withDynamic(def.inputs, node.data.widgets) : [];
  const input = inputs.find((i) => i.name === name) ?? inputs.find((i) => i.grow && name.startsWith(`${i.name}.`));
  return input?.grow?.type ?? input?.type ?? node.data.missing?.inputs.find((i) => i.name === name)?.type ?? "*";
}

/** Why a connection is refused, or null when it is fine. */
export function refusal(c: Connection, defs: NodeDefs): string | null {
  const { nodes, edges } = get();
  const source = nodes.find((n) => n.id === c.source);
  const target = nodes.find((n) => n.id === c.target);
  if (!source || !target) return t("connect.unknown");
  const adj = adjacency(edges);
  const v = checkConnection({
    sourceId: c.source,
    targetId: c.target,
    outType: outputType(source, outSlot(c.sourceHandle), defs),
    input: { name: inName(c.targetHandle) || "input", type: inputType(target, inName(c.targetHandle), defs) },
    downstream: (id) => adj.get(id) ?? [],
  });
  return v.ok ? null : v.reason;
}

function withEdge(edges: GraphEdge[], e: GraphEdge): GraphEdge[] {
  // One link per input: a new link replaces the old one.
  return [...edges.filter((x) => !(x.target === e.target && x.targetHandle === e.targetHandle)), e];
}

export function connect(c: Connection, defs: NodeDefs): string | null {
  // Inside an open subgraph, a link to the input or output node's free slot adds an input or output.
  const s = get();
  const source = s.nodes.find((n) => n.id === c.source);
  const target = s.nodes.find((n) => n.id === c.target);
  const outName = source && isGraphNode(source) ? (defs[source.data.classType]?.outputs ?? source.data.missing?.outputs ?? [])[outSlot(c.sourceHandle)]?.name ?? "" : "";
  const grown = (source?.type === "sgio" || target?.type === "sgio") && c.sourceHandle && c.targetHandle
    ? linkNewSlot(s, c as { source: string; sourceHandle: string; target: string; targetHandle: string },
      { out: outputType(source, outSlot(c.sourceHandle), defs), in: inputType(target, inName(c.targetHandle), defs), outName })
    : null;
  if (grown) {
    edit(() => grown);
    return null;
  }
  const why = refusal(c, defs);
  if (why) return why;
  const type = outputType(source, outSlot(c.sourceHandle), defs);
  edit((s) => ({ edges: withEdge(s.edges, makeEdge(c.source, outSlot(c.sourceHandle), c.target, inName(c.targetHandle), type)) }));
  return null;
}

/** Add a node (and, when dragged from a handle, its link) as one undo step. */
export function addNode(def: NodeDef, position: { x: number; y: number }, from?: LinkFrom | null): string {
  const id = nextId(get().nodes);
  edit((s) => {
    const node = createNode(def, id, position);
    let edges = s.edges;
    if (from?.handleType === "source") {
      const input = firstCompatibleInput(def, from.type);
      if (input) edges = withEdge(edges, makeEdge(from.nodeId, outSlot(from.handleId), id, input.name, from.type));
    } else if (from?.handleType === "target") {
      const slot = firstCompatibleOutput(def, from.type);
      if (slot >= 0) edges = withEdge(edges, makeEdge(id, slot, from.nodeId, inName(from.handleId), def.outputs[slot].type));
    }
    return { nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...node, selected: true }], edges };
  });
  return id;
}

export function addSpecialNode(node: GraphNode): void {
  edit((s) => ({ nodes: [...s.nodes, node] }));
}

/** Add a reroute or a note (plain or Markdown) at `position`; a reroute takes the dragged link. One undo step. */
export function addHelperNode(kind: "reroute" | "Note" | "MarkdownNote", position: { x: number; y: number }, from?: LinkFrom | null): string {
  const id = nextId(get().nodes);
  edit((s) => {
    const node: GraphNode = kind === "reroute"
      ? { id, type: "reroute", position, data: { type: from?.type ?? "*" }, initialWidth: 40, initialHeight: 24 }
      : { id, type: "note", position, data: { text: "", classType: kind }, width: 300, height: 140 };
    let edges = s.edges;
    if (kind === "reroute" && from?.handleType === "source") edges = withEdge(edges, makeEdge(from.nodeId, outSlot(from.handleId), id, "", from.type));
    else if (kind === "reroute" && from?.handleType === "target") edges = withEdge(edges, makeEdge(id, 0, from.nodeId, inName(from.handleId), from.type));
    return { nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...node, selected: true }], edges };
  });
  return id;
}

/** Replace one node's data (immutably; other nodes keep their identity). */
export function updateNode(id: string, fn: (n: GraphNode) => GraphNode, key: string | null = null): void {
  edit((s) => {
    const i = s.nodes.findIndex((n) => n.id === id);
    if (i < 0) return {};
    const next = fn(s.nodes[i]);
    if (next === s.nodes[i]) return {};
    const nodes = s.nodes.slice();
    nodes[i] = next;
    return { nodes };
  }, key);
}

export function updateData(id: string, patch: Partial<GraphNodeData>, key: string | null = null): void {
  updateNode(id, (n) => (isGraphNode(n) ? { ...n, data: { ...n.data, ...patch } } : n), key);
}

export function setWidget(id: string, name: string, value: unknown, group = true): void {
  updateNode(
    id,
    (n) => (isGraphNode(n) && n.data.widgets[name] !== value ? { ...n, data: { ...n.data, widgets: { ...n.data.widgets, [name]: value } } } : n),
    group ? `w:${id}:${name}` : null,
  );
}

export function setControl(id: string, name: string, mode: ControlMode): void {
  updateNode(id, (n) => (isGraphNode(n) ? { ...n, data: { ...n.data, controls: { ...n.data.controls, [name]: mode } } } : n));
}

/** Set widget values without an undo entry (seed controls after a queue, uploads' echoes). */
export function setWidgetsQuietly(values: Record<string, Record<string, unknown>>): void {
  const nodes = get().nodes.map((n) => (isGraphNode(n) && values[n.id] ? { ...n, data: { ...n.data, widgets: { ...n.data.widgets, ...values[n.id] } } } : n));
  set({ nodes, ...markDirty() });
}

/** The selection, less what cannot be deleted or copied (an open subgraph's input and output nodes). */
const selected = () => get().nodes.filter((n) => n.selected && n.deletable !== false);

/** A node's socket types (for the pure edit operations). */
function socketsOf(id: string, defs: NodeDefs): Sockets | null {
  const n = get().nodes.find((x) => x.id === id);
  if (!n) return null;
  if (n.type === "reroute") return { inputs: [{ name: "", type: "*" }], outputs: [{ type: n.data.type }] };
  if (!isGraphNode(n)) return null;
  const def = defs[n.data.classType];
  return {
    inputs: (def?.inputs ?? n.data.missing?.inputs ?? []).map((i) => ({ name: i.name, type: i.type })),
    outputs: (def?.outputs ?? n.data.missing?.outputs ?? []).map((o) => ({ type: o.type })),
  };
}

/** Delete the selected nodes and links as one undo step, keeping links through deleted nodes when types allow. */
export function deleteSelected(defs: NodeDefs, keepLinks = true): void {
  const ids = new Set(selected().map((n) => n.id));
  const edgeSel = get().edges.some((e) => e.selected);
  if (!ids.size && !edgeSel) return;
  edit((s) => {
    const base = { nodes: s.nodes, edges: s.edges.filter((e) => !e.selected) };
    return keepLinks ? deleteKeepingLinks(base, ids, (id) => socketsOf(id, defs)) : { nodes: s.nodes.filter((n) => !ids.has(n.id)), edges: base.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)) };
  });
}

/** After a drag: a lone unlinked node dropped on a link is inserted into it (same undo step as the drag). */
export function dropOnLink(id: string, defs: NodeDefs): boolean {
  const s = get();
  const edge = linkUnder(s, id);
  const sock = edge && socketsOf(id, defs);
  if (!edge || !sock) return false;
  const target = s.nodes.find((n) => n.id === edge.target);
  const next = insertOnLink(s, edge, id, sock, inputType(target, inName(edge.targetHandle), defs));
  if (!next) return false;
  set({ edges: next.edges, ...markDirty() });
  return true;
}

/** Select one node (find-in-graph). */
export function selectOnly(id: string): void {
  set({ nodes: get().nodes.map((n) => (n.id === id ? (n.selected ? n : { ...n, selected: true }) : n.selected ? { ...n, selected: false } : n)) });
}

export function setModeSelected(mode: NodeMode): void {
  const sel = selected().filter(isGraphNode);
  if (!sel.length) return;
  const all = sel.every((n) => n.data.mode === mode);
  const ids = new Set(sel.map((n) => n.id));
  edit((s) => ({ nodes: s.nodes.map((n) => (ids.has(n.id) && isGraphNode(n) ? { ...n, data: { ...n.data, mode: all ? 0 : mode } } : n)) }));
}

export function toggleCollapseSelected(): void {
  const ids = new Set(selected().filter(isGraphNode).map((n) => n.id));
  if (!ids.size) return;
  edit((s) => ({ nodes: s.nodes.map((n) => (ids.has(n.id) && isGraphNode(n) ? { ...n, data: { ...n.data, collapsed: !n.data.collapsed } } : n)) }));
}

let clipboard: Snapshot | null = null;

export function copySelected(): number {
  const sel = selected();
  const ids = new Set(sel.map((n) => n.id));
  clipboard = { nodes: sel, edges: get().edges.filter((e) => ids.has(e.target)) };
  try {
    localStorage.setItem("kg.clipboard", JSON.stringify(clipboard));
  } catch {
    /* quota: the in-memory copy still works */
  }
  return sel.length;
}

/** Paste the clipboard offset by `at`; keepInputs keeps links from nodes outside the copy. */
export function paste(opts: { keepInputs?: boolean; offset?: { x: number; y: number } } = {}): void {
  let clip = clipboard;
  if (!clip) {
    try {
      clip = JSON.parse(localStorage.getItem("kg.clipboard") ?? "null");
    } catch {
      clip = null;
    }
  }
  if (!clip || !clip.nodes.length) return;
  const source = clip;
  const off = opts.offset ?? { x: 40, y: 40 };
  edit((s) => {
    let next = Number(nextId(s.nodes));
    const map = new Map<string, string>();
    const existing = new Set(s.nodes.map((n) => n.id));
    const fresh = source.nodes.map((n) => {
      const id = n.type === "group" ? `group-${Date.now().toString(36)}-${next}` : String(next);
      next += 1;
      map.set(n.id, id);
      return { ...n, id, selected: true, position: { x: n.position.x + off.x, y: n.position.y + off.y } } as GraphNode;
    });
    const edges = source.edges.flatMap((e) => {
      const target = map.get(e.target)!;
      const src = map.get(e.source) ?? (opts.keepInputs && existing.has(e.source) ? e.source : null);
      if (!src) return [];
      return [makeEdge(src, outSlot(e.sourceHandle), target, inName(e.targetHandle), e.data?.type ?? "*")];
    });
    return { nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...fresh], edges: [...s.edges, ...edges] };
  });
}

export function duplicateSelected(): void {
  const saved = clipboard;
  if (copySelected()) paste({ keepInputs: true });
  clipboard = saved;
}

export function groupSelected(title = "Group"): void {
  const sel = selected().filter((n) => n.type !== "group");
  if (!sel.length) return;
  const pad = 30;
  const box = boundsOf(sel)!;
  const [x0, y0, x1, y1] = [box.x, box.y, box.x + box.width, box.y + box.height];
  const group: GraphNode = {
    id: `group-${Date.now().toString(36)}`,
    type: "group",
    position: { x: x0 - pad, y: y0 - pad - 30 },
    width: x1 - x0 + 2 * pad,
    height: y1 - y0 + 2 * pad + 30,
    zIndex: -1,
    data: { title },
  };
  edit((s) => ({ nodes: [group, ...s.nodes] }));
}

/** Ids of nodes lying inside a group's frame (they move with it). */
export function nodesInGroup(group: GraphNode): string[] {
  const { width, height } = nodeSize(group);
  const { x, y } = group.position;
  return get()
    .nodes.filter((n) => n.id !== group.id && n.type !== "group")
    .filter((n) => n.position.x >= x && n.position.y >= y && n.position.x <= x + width && n.position.y <= y + height)
    .map((n) => n.id);
}

export function autoArrange(): void {
  edit((s) => {
    const sel = s.nodes.filter((n) => n.selected && n.type !== "group");
    const targets = (sel.length > 1 ? sel : s.nodes.filter((n) => n.type !== "group"));
    const origin = targets.reduce((o, n) => ({ x: Math.min(o.x, n.position.x), y: Math.min(o.y, n.position.y) }), { x: Infinity, y: Infinity });
    const pos = layoutGraph(targets.map((n) => ({ id: n.id, ...nodeSize(n) })), s.edges, { origin: Number.isFinite(origin.x) ? origin : { x: 0, y: 0 } });
    return { nodes: s.nodes.map((n) => (pos.has(n.id) ? { ...n, position: pos.get(n.id)! } : n)) };
  });
}

export function undoEdit(): void {
  const s = get();
  const r = undo(s.history, { nodes: s.nodes, edges: s.edges });
  if (r) set({ nodes: r.snapshot.nodes, edges: r.snapshot.edges, history: r.history, ...markDirty() });
}

export function redoEdit(): void {
  const s = get();
  const r = redo(s.history, { nodes: s.nodes, edges: s.edges });
  if (r) set({ nodes: r.snapshot.nodes, edges: r.snapshot.edges, history: r.history, ...markDirty() });
}

export function setViewport(viewport: Viewport): void {
  set({ viewport });
}

// ---- open subgraphs ----

/** The active tab's root graph (open subgraphs written back into their definitions). */
export function rootContent(): { nodes: GraphNode[]; edges: GraphEdge[]; viewport: Viewport | null } {
  const s = get();
  if (!s.frames.length) return { nodes: s.nodes, edges: s.edges, viewport: s.viewport };
  const root = rootOf(s.frames, { nodes: s.nodes, edges: s.edges }, defsNow());
  return { ...root, viewport: s.frames[0].viewport };
}

/** Leave open subgraphs down to `depth` levels (0: back to the root graph). A level whose
 * inside was edited is written back as one undo step of its parent. */
export function leaveSubgraph(depth = get().frames.length - 1): void {
  let s = get();
  while (s.frames.length > Math.max(0, depth)) {
    const frame = s.frames[s.frames.length - 1];
    const edited = s.history.past.length > 0;
    const parent = edited ? closeFrame(frame, { nodes: s.nodes, edges: s.edges }, defsNow()) : frame.parent;
    set({
      frames: s.frames.slice(0, -1),
      nodes: parent.nodes,
      edges: parent.edges,
      viewport: frame.viewport,
      history: edited ? record(frame.history, frame.parent) : frame.history,
      loadCount: s.loadCount + 1,
      ...(edited ? markDirty() : {}),
    });
    s = get();
  }
}

// ---- tabs ----

function stashActive(): Record<string, TabContent> {
  const s = get();
  return { ...s.stash, [s.activeTab]: { nodes: s.nodes, edges: s.edges, viewport: s.viewport, history: s.history } };
}

/** Load a graph, in the active tab when it is empty and unsaved, else in a new tab. */
export function loadGraph(g: { nodes: GraphNode[]; edges: GraphEdge[]; viewport?: Viewport | null }, meta: { title: string; savedName?: string | null }, opts: { replace?: boolean } = {}): void {
  leaveSubgraph(0);
  const s = get();
  const active = s.tabs.find((t) => t.id === s.activeTab);
  const reuse = opts.replace || (active && !active.dirty && s.nodes.length === 0);
  const tab: TabMeta = { id: reuse ? s.activeTab : newTabId(), title: meta.title, savedName: meta.savedName ?? null, dirty: !meta.savedName };
  set({
    stash: reuse ? s.stash : stashActive(),
    tabs: reuse ? s.tabs.map((t) => (t.id === tab.id ? tab : t)) : [...s.tabs, tab],
    activeTab: tab.id,
    nodes: g.nodes,
    edges: g.edges,
    viewport: g.viewport ?? null,
    history: emptyHistory(),
    loadCount: s.loadCount + 1,
  });
}

export function newTab(): void {
  loadGraph({ nodes: [], edges: [] }, { title: "Untitled" }, { replace: false });
  set({ tabs: get().tabs.map((t) => (t.id === get().activeTab ? { ...t, dirty: false } : t)) });
}

export function switchTab(id: string): void {
  leaveSubgraph(0);
  const s = get();
  if (id === s.activeTab || !s.stash[id]) return;
  const stash = stashActive();
  const content = stash[id];
  delete stash[id];
  set({ stash, activeTab: id, ...content, loadCount: s.loadCount + 1 });
}

export function closeTab(id: string): void {
  leaveSubgraph(0);
  const s = get();
  if (s.tabs.length === 1) {
    set({ tabs: [{ id: s.activeTab, title: "Untitled", savedName: null, dirty: false }], nodes: [], edges: [], history: emptyHistory(), loadCount: s.loadCount + 1 });
    return;
  }
  const index = s.tabs.findIndex((t) => t.id === id);
  const tabs = s.tabs.filter((t) => t.id !== id);
  if (id !== s.activeTab) {
    const stash = { ...s.stash };
    delete stash[id];
    set({ tabs, stash });
    return;
  }
  const nextTab = tabs[Math.max(0, index - 1)];
  const stash = { ...s.stash };
  const content = stash[nextTab.id];
  delete stash[nextTab.id];
  set({ tabs, stash, activeTab: nextTab.id, ...content, loadCount: s.loadCount + 1 });
}

export function updateTab(id: string, patch: Partial<TabMeta>): void {
  set({ tabs: get().tabs.map((t) => (t.id === id ? { ...t, ...patch } : t)) });
}

export function restoreTabs(tabs: TabMeta[], active: string, contents: Record<string, TabContent>): void {
  if (!tabs.length || !contents[active]) return;
  set({ frames: [] });
  const stash = { ...contents };
  const current = stash[active];
  delete stash[active];
  set({ tabs, activeTab: active, stash, ...current, loadCount: get().loadCount + 1 });
}
