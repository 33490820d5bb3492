/** Files: POST /upload/image and /view URLs for outputs, inputs and previews. */
import type { OutputImage } from "../graph/runtime-events";
import { authHeaders, request, withToken } from "./http";

export async function uploadImage(file: Blob, name: string, opts: { type?: string; subfolder?: string } = {}): Promise<OutputImage & { name: string }> {
  const form = new FormData();
  form.append("image", file, name);
  form.append("type", opts.type ?? "input");
  if (opts.subfolder) form.append("subfolder", opts.subfolder);
  const res = await request<{ name: string; subfolder: string; type: string }>("/upload/image", { method: "POST", body: form, headers: authHeaders() });
  return { ...res, filename: res.name };
}

export function viewUrl(img: OutputImage, preview = false): string {
  const q = new URLSearchParams({ filename: img.filename, subfolder: img.subfolder ?? "", type: img.type ?? "output" });
  if (preview) q.set("preview", "webp;80");
  return withToken(`/view?${q}`);
}

/** The input-folder file a combo value names ("sub/cat.png" or "cat.png [input]"). */
export function inputFileUrl(value: string): string {
  const m = /^(.*?)(?: \[(input|output|temp)\])?$/.exec(value)!;
  const path = m[1];
  const slash = path.lastIndexOf("/");
  return viewUrl({ filename: path.slice(slash + 1), subfolder: slash > 0 ? path.slice(0, slash) : "", type: m[2] ?? "input" });
}

export async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { headers: authHeaders() });
  return new Uint8Array(await res.arrayBuffer());
}
