/**
 * The runtime store: execution state per canvas tab and node (progress, cached, errors,
 * outputs, previews), kept apart from the graph so that progress never touches
 * nodes/edges and never enters undo. Only jobs this page queued reach it, each on the
 * tab that queued it (graph/run-routing.ts); leaf components subscribe to their own
 * node's slice of the active tab.
 */
import { createStore } from "zustand";
import { scoped } from "./scope";
import { useGraph } from "./graph-store";
import { routeEvents, runningAfter } from "../graph/run-routing";
import { droppedPreviews, initialRuntime, reduceRuntime, type NodeRuntime, type RuntimeEvent, type RuntimeState } from "../graph/runtime-events";

export interface TabRuntime extends RuntimeState {
  validation: Record<string, string[]>;
}

export interface RuntimeStore {
  connected: boolean;
  queueRemaining: number;
  /** Batches that carried a queue status: the queue moved (a job was put, started or
   * finished), even when the count ends where it started (another client's fast job). */
  queueMoves: number;
  /** Prompts this page queued: prompt id -> the tab that queued it. */
  ours: Record<string, string>;
  /** Our prompt that is executing, or null. */
  running: string | null;
  /** The canvas tab on screen (mirrors the graph store's active tab). */
  active: string;
  tabs: Record<string, TabRuntime>;
  lastError: RuntimeState["lastError"];
  lastDone: RuntimeState["lastDone"];
}

const OURS_KEY = "kg.ours";
const loadOurs = (): Record<string, string> => {
  try {
    return JSON.parse(sessionStorage.getItem(OURS_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
};

export const emptyTab: TabRuntime = { ...initialRuntime, validation: {} };

export const createRuntimeStore = () =>
  createStore<RuntimeStore>()(() => ({
    connected: false,
    queueRemaining: 0,
    queueMoves: 0,
    ours: loadOurs(),
    running: null,
    active: "",
    tabs: {},
    lastError: null,
    lastDone: null,
  }));

export const useRuntimeStore = scoped("runtime", createRuntimeStore);

/** Events of unknown prompts held while a POST /prompt is in flight. */
let inflight = 0;
let held: RuntimeEvent[] = [];

/** Apply one batch of socket events: one store update, one render. */
export function applyEvents(events: RuntimeEvent[]): void {
  const s = useRuntimeStore.getState();
  const routed = routeEvents(events, s.ours, s.running);
  for (const ev of routed.dropped) if (ev.type === "b_preview") URL.revokeObjectURL((ev.data as { url: string }).url);
  if (inflight > 0) held = [...held, ...routed.unknown].slice(-2000);
  const patch: Partial<RuntimeStore> = {};
  const q = routed.global.length ? reduceRuntime(initialRuntime, routed.global).queueRemaining : null;
  if (q !== null && q !== s.queueRemaining) patch.queueRemaining = q;
  if (q !== null) patch.queueMoves = s.queueMoves + 1;
  let tabs = s.tabs;
  for (const [tab, evs] of Object.entries(routed.byTab)) {
    const before = tabs[tab] ?? emptyTab;
    const after = reduceRuntime(before, evs) as TabRuntime;
    if (after === before) continue;
    for (const url of droppedPreviews(before, after)) URL.revokeObjectURL(url);
    tabs = { ...tabs, [tab]: after };
    if (after.lastDone !== before.lastDone) patch.lastDone = after.lastDone;
    if (after.lastError !== before.lastError && after.lastError) patch.lastError = after.lastError;
  }
  if (tabs !== s.tabs) patch.tabs = tabs;
  const running = runningAfter(events, s.ours, s.running);
  if (running !== s.running) patch.running = running;
  if (Object.keys(patch).length) useRuntimeStore.setState(patch);
}

/** Wrap a submission: events that arrive before its prompt id is known are kept. */
export async function submitting<T>(fn: () => Promise<T>): Promise<T> {
  inflight += 1;
  try {
    return await fn();
  } finally {
    inflight -= 1;
    if (!inflight) held = [];
  }
}

export function markOurs(promptId: string, tab: string): void {
  const ours = { ...useRuntimeStore.getState().ours, [promptId]: tab };
  const keys = Object.keys(ours);
  for (const k of keys.slice(0, Math.max(0, keys.length - 500))) delete ours[k];
  useRuntimeStore.setState({ ours });
  try {
    sessionStorage.setItem(OURS_KEY, JSON.stringify(ours));
  } catch {
    /* storage full: this page still knows */
  }
  const mine = held.filter((ev) => (ev.data as Record<string, unknown>).prompt_id === promptId);
  held = held.filter((ev) => !mine.includes(ev));
  if (mine.length) applyEvents(mine);
}

const activeTab = (s: RuntimeStore): TabRuntime | undefined => s.tabs[s.active];

/** Inside an open subgraph a node's API id is prefixed with the instance path ("18:19"). */
const prefixes = new WeakMap<object, string>();
const framePrefix = (s: { frames: { instanceId: string }[] }): string => {
  if (!s.frames.length) return "";
  let p = prefixes.get(s.frames);
  if (p === undefined) prefixes.set(s.frames, (p = s.frames.map((f) => `${f.instanceId}:`).join("")));
  return p;
};

export function useNodeRuntime<T>(nodeId: string, pick: (r: NodeRuntime | undefined) => T): T {
  const prefix = useGraph(framePrefix);
  return useRuntimeStore((s) => pick(activeTab(s)?.nodes[prefix + nodeId]));
}

/** A subgraph instance's run state, from the nodes inside it ("18:..."): running while
 * one runs, error when one failed, finished when some finished. Null for other nodes. */
export function useInstanceState(nodeId: string, instance: boolean): NodeRuntime["state"] | null {
  const prefix = useGraph(framePrefix);
  return useRuntimeStore((s) => {
    if (!instance) return null;
    const nodes = activeTab(s)?.nodes ?? {};
    const inside = `${prefix}${nodeId}:`;
    let found: NodeRuntime["state"] | null = null;
    for (const key in nodes) {
      if (!key.startsWith(inside)) continue;
      const st = nodes[key]?.state;
      if (st === "running" || st === "error") return st;
      if (st) found = found ?? st;
    }
    return found;
  });
}

export function useValidation(nodeId: string): string[] | undefined {
  const prefix = useGraph(framePrefix);
  return useRuntimeStore((s) => activeTab(s)?.validation[prefix + nodeId]);
}

function patchTab(tab: string, fn: (t: TabRuntime) => Partial<TabRuntime>): void {
  useRuntimeStore.setState((s) => {
    const t = s.tabs[tab] ?? emptyTab;
    return { tabs: { ...s.tabs, [tab]: { ...t, ...fn(t) } } };
  });
}

export function setValidationErrors(tab: string, errors: Record<string, string[]>): void {
  patchTab(tab, () => ({ validation: errors }));
}

/** Show a finished job's outputs on a tab (history panel). */
export function showOutputs(tab: string, outputs: Record<string, NodeRuntime["output"]>): void {
  patchTab(tab, (t) => {
    const nodes = { ...t.nodes };
    for (const [id, output] of Object.entries(outputs)) nodes[id] = { ...nodes[id], output, preview: undefined };
    return { nodes };
  });
}

/** Follow the graph store's active tab; forget the runtime of closed tabs. */
export function followTabs(active: string, open: readonly string[]): void {
  const s = useRuntimeStore.getState();
  const keep = new Set(open);
  const gone = Object.keys(s.tabs).filter((t) => !keep.has(t));
  if (active === s.active && !gone.length) return;
  const tabs = { ...s.tabs };
  for (const t of gone) {
    for (const r of Object.values(tabs[t].nodes)) if (r.preview) URL.revokeObjectURL(r.preview);
    delete tabs[t];
  }
  useRuntimeStore.setState({ active, tabs });
}
