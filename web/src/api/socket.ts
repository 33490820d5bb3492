/**
 * The /ws client: ComfyUI's JSON messages and binary frames, batched so that a burst
 * of messages reaches the store once per animation frame (canvas.md §2 rule 7), with
 * reconnect and backoff. Preview frames become object URLs (the reducer's consumer
 * revokes them when replaced).
 */
import type { RuntimeEvent } from "../graph/runtime-events";
import { parseBinaryFrame } from "./frames";
import { withToken } from "./http";

export interface SocketOptions {
  clientId: string;
  onEvents: (events: RuntimeEvent[]) => void;
  onOpen?: () => void;
  onClose?: () => void;
}

export function connectSocket(opts: SocketOptions): () => void {
  let ws: WebSocket | null = null;
  let backlog: RuntimeEvent[] = [];
  let scheduled = false;
  let stopped = false;
  let delay = 500;

  const flush = () => {
    scheduled = false;
    const batch = backlog;
    backlog = [];
    if (batch.length) opts.onEvents(batch);
  };
  const push = (ev: RuntimeEvent) => {
    backlog.push(ev);
    if (!scheduled) {
      scheduled = true;
      // rAF stalls in hidden tabs; a timer keeps the backlog bounded there.
      if (document.hidden) setTimeout(flush, 200);
      else requestAnimationFrame(flush);
    }
  };

  const open = () => {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(withToken(`${proto}://${location.host}/ws?clientId=${encodeURIComponent(opts.clientId)}`));
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      delay = 500;
      ws!.send(JSON.stringify({ type: "feature_flags", data: { supports_preview_metadata: true } }));
      opts.onOpen?.();
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data === "string") {
        try {
          const m = JSON.parse(msg.data) as { type: string; data: Record<string, unknown> };
          if (m && typeof m.type === "string") push({ type: m.type, data: m.data ?? {} });
        } catch {
          /* not JSON: ignore */
        }
        return;
      }
      const frame = parseBinaryFrame(msg.data as ArrayBuffer);
      if (frame.kind === "preview" && frame.nodeId) {
        const url = URL.createObjectURL(new Blob([frame.bytes as BlobPart], { type: frame.mime }));
        push({ type: "b_preview", data: { nodeId: frame.nodeId, url } });
      } else if (frame.kind === "text") {
        push({ type: "progress_text", data: { nodeId: frame.nodeId, text: frame.text } });
      }
    };
    ws.onclose = () => {
      opts.onClose?.();
      if (stopped) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    };
  };
  open();
  return () => {
    stopped = true;
    ws?.close();
  };
}
