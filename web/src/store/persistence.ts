/**
 * Never lose work: every open tab (unsaved ones included) is written to localStorage a
 * moment after each change and when the page hides, and restored at start-up. The
 * stored document is versioned ({version: 1, tabs}); runtime-only node fields
 * (selection, measurements) are left out.
 */
import type { GraphEdge, GraphNode } from "../graph/types";
import { emptyHistory } from "../graph/history";
import { withHandles } from "../graph/node-factory";
import type { NodeDefs } from "../graph/types";
import { restoreTabs, useGraph, type TabContent, type TabMeta } from "./graph-store";

const KEY = "kg.tabs.v1";

interface Stored {
  version: 1;
  active: string;
  tabs: (TabMeta & { nodes: GraphNode[]; edges: GraphEdge[]; viewport: TabContent["viewport"] })[];
}

const clean = (nodes: GraphNode[]): GraphNode[] =>
  nodes.map((n) => {
    const { selected: _s, dragging: _d, measured, ...rest } = n as GraphNode & { dragging?: boolean };
    void _s;
    void _d;
    // Keep measured sizes as initial sizes so culling works right after a reload.
    return (measured?.width ? { ...rest, initialWidth: measured.width, initialHeight: measured.height } : rest) as GraphNode;
  });

export function snapshot(): Stored {
  const s = useGraph.getState();
  return {
    version: 1,
    active: s.activeTab,
    tabs: s.tabs.map((t) => {
      const c = t.id === s.activeTab ? { nodes: s.nodes, edges: s.edges, viewport: s.viewport } : s.stash[t.id];
      return { ...t, nodes: clean(c?.nodes ?? []), edges: (c?.edges ?? []).map(({ selected: _x, ...e }) => e as GraphEdge), viewport: c?.viewport ?? null };
    }),
  };
}

export function save(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(snapshot()));
  } catch {
    // Quota exceeded: keep going; the server-side save still works.
  }
}

/** Restore the saved tabs; `defs` lets nodes carry estimated handles (see withHandles). */
export function restore(defs: NodeDefs): boolean {
  let stored: Stored | null = null;
  try {
    stored = JSON.parse(localStorage.getItem(KEY) ?? "null");
  } catch {
    stored = null;
  }
  if (!stored || stored.version !== 1 || !Array.isArray(stored.tabs) || !stored.tabs.length) return false;
  const contents: Record<string, TabContent> = {};
  for (const t of stored.tabs) contents[t.id] = { nodes: withHandles(t.nodes ?? [], defs), edges: t.edges ?? [], viewport: t.viewport ?? null, history: emptyHistory() };
  const tabs = stored.tabs.map(({ id, title, savedName, dirty }) => ({ id, title, savedName, dirty }));
  restoreTabs(tabs, contents[stored.active] ? stored.active : tabs[0].id, contents);
  return true;
}

/** Start autosaving: debounced after changes, immediately when the page hides. */
export function startAutosave(delayMs = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    save();
  };
  const unsub = useGraph.subscribe((s, prev) => {
    if (s.nodes === prev.nodes && s.edges === prev.edges && s.tabs === prev.tabs && s.activeTab === prev.activeTab && s.viewport === prev.viewport) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  });
  const onHide = () => flush();
  window.addEventListener("pagehide", onHide);
  document.addEventListener("visibilitychange", onHide);
  return () => {
    unsub();
    window.removeEventListener("pagehide", onHide);
    document.removeEventListener("visibilitychange", onHide);
  };
}
