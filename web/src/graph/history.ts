/**
 * Undo/redo as a stack of graph snapshots. Snapshots share structure (nodes and edges
 * arrays are immutable), so an entry costs two array references. Entries with the same
 * group key inside the grouping window merge (typing in a widget is one step); runtime
 * state is never part of a snapshot, so undo keeps previews and cached marks.
 */
import type { GraphEdge, GraphNode } from "./types";

export interface Snapshot {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface History {
  past: Snapshot[];
  future: Snapshot[];
  lastKey: string | null;
  lastAt: number;
}

export const emptyHistory = (): History => ({ past: [], future: [], lastKey: null, lastAt: 0 });
const LIMIT = 200;
const GROUP_MS = 1000;

/** Record `before` (the state an edit started from). Same `key` within a second merges. */
export function record(h: History, before: Snapshot, key: string | null = null, now = Date.now()): History {
  if (key !== null && key === h.lastKey && now - h.lastAt < GROUP_MS) return { ...h, lastAt: now };
  const past = h.past.length >= LIMIT ? h.past.slice(1) : h.past.slice();
  past.push(before);
  return { past, future: [], lastKey: key, lastAt: now };
}

export function undo(h: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  if (!h.past.length) return null;
  const past = h.past.slice();
  const snapshot = past.pop()!;
  return { history: { past, future: [current, ...h.future], lastKey: null, lastAt: 0 }, snapshot };
}

export function redo(h: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  if (!h.future.length) return null;
  const [snapshot, ...future] = h.future;
  return { history: { past: [...h.past, current], future, lastKey: null, lastAt: 0 }, snapshot };
}
