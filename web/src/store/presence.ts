/**
 * Cross-window awareness over a BroadcastChannel: each page announces which saved
 * workflows it has open and which of those it has unsaved edits in; a page with the
 * same workflow open is told (a mark on its tab, a toast once, a confirmation before
 * saving over it). At start-up a page asks which sessions are alive, so it restores only
 * its own tabs or those of windows that are gone (never another live window's).
 */
import { createStore } from "zustand";
import { scoped } from "./scope";

interface Announce {
  type: "here";
  sid: string;
  open: string[];
  editing: string[];
}
type Message = Announce | { type: "hello"; sid: string } | { type: "bye"; sid: string };

interface Presence {
  /** Saved workflow name -> "editing" when another window has unsaved edits in it, else "open". */
  others: Record<string, "open" | "editing">;
}

export const createPresenceStore = () => createStore<Presence>()(() => ({ others: {} }));
export const usePresence = scoped("presence", createPresenceStore);

const CHANNEL = "kg-presence";
let channel: BroadcastChannel | null = null;
const peers = new Map<string, Announce>();
let mine: () => { open: string[]; editing: string[] } = () => ({ open: [], editing: [] });
let me = "";

function recompute(): void {
  const others: Presence["others"] = {};
  for (const p of peers.values()) {
    for (const n of p.open) others[n] ??= "open";
    for (const n of p.editing) others[n] = "editing";
  }
  usePresence.setState({ others });
}

function announce(): void {
  channel?.postMessage({ type: "here", sid: me, ...mine() } satisfies Announce);
}

/** Ask who is alive; resolves with their session ids after `waitMs`. */
export function liveSessions(sid: string, waitMs = 250): Promise<Set<string>> {
  if (typeof BroadcastChannel === "undefined") return Promise.resolve(new Set());
  const ch = new BroadcastChannel(CHANNEL);
  const seen = new Set<string>();
  ch.onmessage = (e: MessageEvent<Message>) => {
    if (e.data?.type === "here") seen.add(e.data.sid);
  };
  ch.postMessage({ type: "hello", sid } satisfies Message);
  return new Promise((resolve) =>
    setTimeout(() => {
      ch.close();
      resolve(seen);
    }, waitMs),
  );
}

/** Join: answer hellos, publish our open/editing names (call `changed` after edits). */
export function joinPresence(sid: string, state: () => { open: string[]; editing: string[] }): { changed: () => void; leave: () => void } {
  me = sid;
  mine = state;
  if (typeof BroadcastChannel === "undefined") return { changed: () => {}, leave: () => {} };
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<Message>) => {
    const m = e.data;
    if (!m || m.sid === me) return;
    if (m.type === "hello") announce();
    else if (m.type === "bye") peers.delete(m.sid);
    else if (m.type === "here") peers.set(m.sid, m);
    recompute();
  };
  const bye = () => channel?.postMessage({ type: "bye", sid: me } satisfies Message);
  window.addEventListener("pagehide", bye);
  announce();
  channel.postMessage({ type: "hello", sid: me } satisfies Message);
  let last = "";
  return {
    changed: () => {
      const key = JSON.stringify(mine());
      if (key !== last) {
        last = key;
        announce();
      }
    },
    leave: () => {
      bye();
      window.removeEventListener("pagehide", bye);
      channel?.close();
      channel = null;
    },
  };
}
