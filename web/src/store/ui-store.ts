/**
 * UI state: open panel and dialogs, the search box, the link being dragged, toasts,
 * and preferences (theme, background, snap, minimap) kept in localStorage.
 */
import { createStore } from "zustand";
import { scoped } from "./scope";
import type { LinkFrom } from "./graph-store";

export type Panel = "library" | "queue" | "history" | "workflows" | "templates" | "spend" | null;
export type Dialog = "settings" | "shortcuts" | null;

export interface Prefs {
  theme: "dark" | "light";
  background: "grid" | "plain" | "wallpaper";
  wallpaper: string | null;
  snap: boolean;
  gridSize: number;
  minimap: boolean;
}

export interface SearchState {
  screen: { x: number; y: number };
  flow: { x: number; y: number };
  from: LinkFrom | null;
}

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error" | "warn";
  at?: { x: number; y: number };
}

/** A link being dragged: its type, its end, and what it may not reach (cycles). */
export interface Connecting {
  type: string;
  handleType: "source" | "target";
  nodeId: string;
  /** Nodes a link from here must not reach (it would make a cycle). */
  blocked: Set<string>;
}

interface UI {
  panel: Panel;
  dialog: Dialog;
  search: SearchState | null;
  connecting: Connecting | null;
  toasts: Toast[];
  prefs: Prefs;
  lightbox: string | null;
  contextMenu: { nodeId: string; x: number; y: number } | null;
  renaming: string | null;
  /** Start-up done (catalogue loaded and tabs restored). */
  ready: boolean;
  /** The first-visit hint on how to add nodes. */
  hint: boolean;
  /** Find-in-graph box (Ctrl+F) open. */
  find: boolean;
  /** How many times Run queues the graph (ComfyUI's batch count). */
  batch: number;
  /** The image input whose mask is being painted. */
  maskEditor: { nodeId: string; input: string; value: string } | null;
}

const defaults: Prefs = { theme: "dark", background: "grid", wallpaper: null, snap: false, gridSize: 20, minimap: true };

function loadPrefs(): Prefs {
  try {
    return { ...defaults, ...JSON.parse(localStorage.getItem("kg.prefs") ?? "{}") };
  } catch {
    return defaults;
  }
}

export const createUIStore = () => createStore<UI>()(() => ({
  panel: "library",
  dialog: null,
  search: null,
  connecting: null,
  toasts: [],
  prefs: loadPrefs(),
  lightbox: null,
  contextMenu: null,
  renaming: null,
  ready: false,
  hint: false,
  find: false,
  batch: 1,
  maskEditor: null,
}));
export const useUI = scoped("ui", createUIStore);

export function setPrefs(patch: Partial<Prefs>): void {
  const prefs = { ...useUI.getState().prefs, ...patch };
  useUI.setState({ prefs });
  localStorage.setItem("kg.prefs", JSON.stringify(prefs));
}

let toastId = 0;
export function toast(text: string, kind: Toast["kind"] = "info", at?: { x: number; y: number }): void {
  const id = ++toastId;
  useUI.setState((s) => ({ toasts: [...s.toasts.slice(-4), { id, text, kind, at }] }));
  setTimeout(() => useUI.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })), kind === "error" ? 8000 : 4000);
}

export function togglePanel(panel: Panel): void {
  useUI.setState((s) => ({ panel: s.panel === panel ? null : panel }));
}
