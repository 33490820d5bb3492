/**
 * Never lose work. Each browser window (session) writes its open tabs, unsaved ones
 * included, to its own localStorage key a moment after each change and when the page
 * hides, and a snapshot to the server (userdata `keroro/autosave/<session>.json`) every
 * few seconds. At start-up a window restores its own session (a reload), else adopts
 * the sessions of windows that are gone (a crash, a closed browser), never a live
 * window's; with nothing local (another browser) it restores the newest server snapshot.
 * Runtime-only node fields (selection, measurements) are left out.
 */
import type { GraphEdge, GraphNode, NodeDefs } from "../graph/types";
import { emptyHistory } from "../graph/history";
import { withHandles } from "../graph/node-factory";
import { request } from "../api/http";
import { restoreTabs, rootContent, useGraph, type TabContent, type TabMeta } from "./graph-store";
import { joinPresence, liveSessions } from "./presence";

const PREFIX = "kg.session.";
const LEGACY = "kg.tabs.v1";
const SERVER_DIR = "keroro/autosave";

type StoredTab = TabMeta & { nodes: GraphNode[]; edges: GraphEdge[]; viewport: TabContent["viewport"] };
export interface Stored {
  version: 1 | 2;
  sid?: string;
  updatedAt?: number;
  active: string;
  tabs: StoredTab[];
}

const newSid = () => `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
let sid: string = (() => {
  try {
    return sessionStorage.getItem("kg.session") ?? newSid();
  } catch {
    return newSid();
  }
})();
const keepSid = () => {
  try {
    sessionStorage.setItem("kg.session", sid);
  } catch {
    /* private mode: this page still saves under its id */
  }
};

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
    version: 2,
    sid,
    updatedAt: Date.now(),
    active: s.activeTab,
    tabs: s.tabs.map((t) => {
      const c = t.id === s.activeTab ? rootContent() : s.stash[t.id];
      return { ...t, nodes: clean(c?.nodes ?? []), edges: (c?.edges ?? []).map(({ selected: _x, ...e }) => e as GraphEdge), viewport: c?.viewport ?? null };
    }),
  };
}

export function save(): void {
  try {
    localStorage.setItem(PREFIX + sid, JSON.stringify(snapshot()));
  } catch {
    // Quota exceeded: keep going; the server-side snapshot still works.
  }
}

const read = (key: string): Stored | null => {
  try {
    const s = JSON.parse(localStorage.getItem(key) ?? "null") as Stored | null;
    return s && (s.version === 1 || s.version === 2) && Array.isArray(s.tabs) ? s : null;
  } catch {
    return null;
  }
};

/** Put stored sessions' tabs on the canvas (several sessions merge, newest last). */
function apply(sessions: Stored[], defs: NodeDefs): boolean {
  const tabs: TabMeta[] = [];
  const contents: Record<string, TabContent> = {};
  let active = "";
  for (const st of sessions) {
    for (const t of st.tabs) {
      if (contents[t.id]) continue;
      contents[t.id] = { nodes: withHandles(t.nodes ?? [], defs), edges: t.edges ?? [], viewport: t.viewport ?? null, history: emptyHistory() };
      const { id, title, savedName, dirty, savedAt } = t;
      tabs.push({ id, title, savedName, dirty, savedAt });
    }
    if (contents[st.active]) active = st.active;
  }
  if (!tabs.length) return false;
  restoreTabs(tabs, active || tabs[0].id, contents);
  return true;
}

/** Sessions in localStorage that no live window owns (their windows are gone). */
function orphans(live: Set<string>): { key: string; stored: Stored }[] {
  const out: { key: string; stored: Stored }[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key || !(key.startsWith(PREFIX) || key === LEGACY)) continue;
    if (key.startsWith(PREFIX) && live.has(key.slice(PREFIX.length))) continue;
    const stored = read(key);
    if (stored) out.push({ key, stored });
  }
  return out.sort((a, b) => (a.stored.updatedAt ?? 0) - (b.stored.updatedAt ?? 0));
}

async function serverSnapshot(): Promise<Stored | null> {
  try {
    const files = await request<{ path: string; modified: number }[]>(`/userdata?dir=${encodeURIComponent(SERVER_DIR)}&full_info=true`);
    const newest = files.filter((f) => f.path.endsWith(".json")).sort((a, b) => b.modified - a.modified)[0];
    if (!newest) return null;
    const s = await request<Stored>(`/userdata/${encodeURIComponent(`${SERVER_DIR}/${newest.path}`)}`);
    return s && Array.isArray(s.tabs) ? s : null;
  } catch {
    return null; // no snapshot folder yet
  }
}

export type Restored = "session" | "adopted" | "server" | null;

/** Restore this window's tabs; `defs` lets nodes carry estimated handles (see withHandles). */
export async function restore(defs: NodeDefs): Promise<Restored> {
  const live = await liveSessions(sid);
  if (live.has(sid)) sid = newSid(); // a duplicated browser tab: same session storage, new session
  keepSid();
  const own = read(PREFIX + sid);
  if (own && apply([own], defs)) return "session";
  const found = orphans(live);
  if (found.length && apply(found.map((f) => f.stored), defs)) {
    save();
    for (const f of found) localStorage.removeItem(f.key);
    return "adopted";
  }
  const remote = await serverSnapshot();
  if (remote && apply([remote], defs)) return "server";
  return null;
}

async function saveToServer(): Promise<void> {
  await request(`/userdata/${encodeURIComponent(`${SERVER_DIR}/${sid}.json`)}?overwrite=true`, { method: "POST", json: snapshot() });
}

/** Start autosaving: locally debounced after changes and when the page hides; to the server at most every `serverMs`. */
export function startAutosave(delayMs = 400, serverMs = 3000): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let serverTimer: ReturnType<typeof setTimeout> | null = null;
  const presence = joinPresence(sid, () => {
    const tabs = useGraph.getState().tabs.filter((t) => t.savedName);
    return { open: tabs.map((t) => t.savedName!), editing: tabs.filter((t) => t.dirty).map((t) => t.savedName!) };
  });
  const toServer = () => {
    serverTimer = null;
    void saveToServer().catch(() => undefined);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    save();
    presence.changed();
    serverTimer ??= setTimeout(toServer, serverMs);
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
    presence.leave();
    window.removeEventListener("pagehide", onHide);
    document.removeEventListener("visibilitychange", onHide);
  };
}
