/**
 * The WebSocket event reducer: ComfyUI's execution messages (comfy-compat §2) folded
 * into per-node runtime state. A batch of events gives one new state in which every
 * node entry that did not change keeps its identity, so a progress storm re-renders
 * only the nodes it touches. Expansion ids ("2.0.0.3") are shown on their display node.
 */

export type RunState = "running" | "finished" | "error" | "cached" | "interrupted";

export interface OutputImage {
  filename: string;
  subfolder: string;
  type: string;
}

export interface NodeRuntime {
  state?: RunState;
  value?: number;
  max?: number;
  text?: string;
  /** UI output of the last execution (images, videos, text). */
  output?: {
    images?: OutputImage[]; gifs?: OutputImage[]; videos?: OutputImage[]; audio?: OutputImage[]; text?: unknown[];
    /** ImageCompare's two sides. */
    a_images?: OutputImage[]; b_images?: OutputImage[];
    [k: string]: unknown;
  };
  /** Object URL of the latest live preview frame. */
  preview?: string;
  /** Calls of a paid node served from the paid-result store this run (ours: execution_stored). */
  stored?: { items: number; total: number };
  error?: { message: string; type: string; traceback: string[] };
}

export interface RuntimeState {
  /** The prompt currently executing (ours or not), from execution_start. */
  running: string | null;
  queueRemaining: number;
  nodes: Record<string, NodeRuntime>;
  /** Ids of prompts this client queued, so foreign events are ignored. */
  lastError: { promptId: string; nodeId: string; nodeType: string; message: string; type: string; traceback: string[] } | null;
  lastDone: { promptId: string; status: "success" | "error" | "interrupted" } | null;
}

export type RuntimeEvent =
  | { type: string; data: Record<string, unknown> }
  | { type: "b_preview"; data: { nodeId: string; url: string } };

export const initialRuntime: RuntimeState = { running: null, queueRemaining: 0, nodes: {}, lastError: null, lastDone: null };

const display = (d: Record<string, unknown>, key = "node"): string | null => {
  const v = d.display_node ?? d.display_node_id ?? d[key];
  return v === null || v === undefined ? null : String(v).split(".")[0];
};

/** Apply a batch of events; returns `state` itself when nothing changed. */
export function reduceRuntime(state: RuntimeState, events: readonly RuntimeEvent[]): RuntimeState {
  let nodes = state.nodes;
  let copied = false;
  let next = state;
  const touch = (id: string, patch: Partial<NodeRuntime>) => {
    const prev = nodes[id];
    if (prev && Object.entries(patch).every(([k, v]) => (prev as Record<string, unknown>)[k] === v)) return;
    if (!copied) {
      nodes = { ...nodes };
      copied = true;
    }
    nodes[id] = { ...prev, ...patch };
  };
  const set = (patch: Partial<RuntimeState>) => {
    next = { ...next, ...patch };
  };
  for (const ev of events) {
    const d = ev.data as Record<string, unknown>;
    switch (ev.type) {
      case "status": {
        const q = (d.status as { exec_info?: { queue_remaining?: number } } | undefined)?.exec_info?.queue_remaining;
        if (typeof q === "number" && q !== next.queueRemaining) set({ queueRemaining: q });
        break;
      }
      case "execution_start": {
        // Keep outputs and previews (a new run replaces them as they arrive); clear states.
        nodes = Object.fromEntries(
          Object.entries(nodes).map(([k, v]) => [k, { output: v.output, preview: v.preview }]),
        );
        copied = true;
        set({ running: String(d.prompt_id), lastError: null });
        break;
      }
      case "execution_cached":
        for (const id of (d.nodes as string[]) ?? []) touch(String(id), { state: "cached", value: undefined, max: undefined });
        break;
      case "execution_stored":
        for (const id of (d.nodes as string[]) ?? []) {
          touch(String(id), { stored: { items: Number(d.items ?? 1), total: Number(d.total ?? 1) } });
        }
        break;
      case "execution_item_error": {
        // One item of a batch failed at this node; the others go on: show it on the node.
        const id = display(d, "node_id");
        if (id !== null) touch(id, { text: String(d.exception_message ?? "") });
        break;
      }
      case "executing": {
        const id = display(d);
        if (id === null) {
          if (next.running !== null && (d.prompt_id === undefined || d.prompt_id === next.running)) set({ running: null });
        } else touch(id, { state: "running" });
        break;
      }
      case "progress": {
        const id = display(d);
        if (id !== null) touch(id, { state: "running", value: Number(d.value), max: Number(d.max) });
        break;
      }
      case "progress_state": {
        const all = (d.nodes ?? {}) as Record<string, Record<string, unknown>>;
        for (const entry of Object.values(all)) {
          const id = display(entry, "node_id");
          if (id === null) continue;
          const st = entry.state === "finished" ? "finished" : entry.state === "error" ? "error" : "running";
          if (nodes[id]?.state === "cached" && st === "finished") continue;
          touch(id, { state: st, value: Number(entry.value), max: Number(entry.max) });
        }
        break;
      }
      case "executed": {
        const id = display(d);
        if (id !== null) touch(id, { output: d.output as NodeRuntime["output"], preview: undefined });
        break;
      }
      case "progress_text": {
        const id = display(d, "nodeId");
        if (id !== null) touch(id, { text: String(d.text ?? "") });
        break;
      }
      case "b_preview": {
        const p = d as unknown as { nodeId: string; url: string };
        touch(String(p.nodeId).split(".")[0], { preview: p.url });
        break;
      }
      case "execution_success":
        set({ lastDone: { promptId: String(d.prompt_id), status: "success" } });
        break;
      case "execution_error": {
        const id = display(d, "node_id") ?? "";
        const message = String(d.exception_message ?? "error");
        const error = { message, type: String(d.exception_type ?? ""), traceback: (d.traceback as string[]) ?? [] };
        if (id) touch(id, { state: "error", error });
        if (error.type !== "ExecutionBlocked") {
          set({
            lastError: { promptId: String(d.prompt_id), nodeId: id, nodeType: String(d.node_type ?? ""), ...error },
            lastDone: { promptId: String(d.prompt_id), status: "error" },
          });
        }
        break;
      }
      case "execution_interrupted":
        set({ lastDone: { promptId: String(d.prompt_id), status: "interrupted" } });
        // The node that was running keeps an "interrupted" note until the next run.
        for (const [k, v] of Object.entries(nodes)) if (v.state === "running") touch(k, { state: "interrupted", value: undefined, max: undefined });
        if (display(d, "node_id") !== null) touch(display(d, "node_id")!, { state: "interrupted", value: undefined, max: undefined });
        break;
    }
  }
  if (nodes !== state.nodes) set({ nodes });
  return next;
}

/** Previews to revoke: object URLs present in `before` but gone from `after`. */
export function droppedPreviews(before: RuntimeState, after: RuntimeState): string[] {
  const out: string[] = [];
  for (const [id, r] of Object.entries(before.nodes)) if (r.preview && after.nodes[id]?.preview !== r.preview) out.push(r.preview);
  return out;
}
