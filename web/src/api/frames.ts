/**
 * ComfyUI's binary WebSocket frames (comfy-compat §2.5): a big-endian u32 event type,
 * then PREVIEW_IMAGE [u32 image type][bytes], TEXT [u32 len][node id][text], or
 * PREVIEW_IMAGE_WITH_METADATA [u32 json len][json][bytes]. Pure; no sockets.
 */
export type BinaryFrame =
  | { kind: "preview"; nodeId: string | null; promptId: string | null; mime: string; bytes: Uint8Array }
  | { kind: "text"; nodeId: string; text: string }
  | { kind: "unknown"; type: number };

const dec = new TextDecoder();

export function parseBinaryFrame(buf: ArrayBuffer): BinaryFrame {
  const view = new DataView(buf);
  const type = view.getUint32(0);
  if (type === 1) {
    const fmt = view.getUint32(4);
    return { kind: "preview", nodeId: null, promptId: null, mime: fmt === 2 ? "image/png" : "image/jpeg", bytes: new Uint8Array(buf, 8) };
  }
  if (type === 3) {
    const n = view.getUint32(4);
    return { kind: "text", nodeId: dec.decode(new Uint8Array(buf, 8, n)), text: dec.decode(new Uint8Array(buf, 8 + n)) };
  }
  if (type === 4) {
    const n = view.getUint32(4);
    const meta = JSON.parse(dec.decode(new Uint8Array(buf, 8, n))) as Record<string, unknown>;
    const node = meta.display_node_id ?? meta.node_id;
    return {
      kind: "preview",
      nodeId: node == null ? null : String(node),
      promptId: meta.prompt_id == null ? null : String(meta.prompt_id),
      mime: String(meta.image_type ?? "image/jpeg"),
      bytes: new Uint8Array(buf, 8 + n),
    };
  }
  return { kind: "unknown", type };
}
