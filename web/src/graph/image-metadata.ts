/**
 * Workflow metadata carried in images, as ComfyUI reads and writes it (comfy-compat §6):
 * PNG tEXt/iTXt chunks keyed `workflow` and `prompt` (uncompressed; JSON with non-ASCII
 * escaped so the chunk stays tEXt), and WebP EXIF where IFD0 Make/Model (or any ASCII
 * entry) hold "workflow:{…}" / "prompt:{…}". Bytes in, bytes out; no DOM.
 */
import { t } from "../i18n/translate";

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

let crcTable: Uint32Array | null = null;
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function isPng(b: Uint8Array): boolean {
  return b.length > 8 && PNG_SIG.every((v, i) => b[i] === v);
}
export function isWebp(b: Uint8Array): boolean {
  return b.length > 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP";
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** Text chunks of a PNG (tEXt, uncompressed iTXt, ComfyUI's `comf`), keyword → text. */
export function readPngText(b: Uint8Array): Record<string, string> {
  if (!isPng(b)) throw new Error(t("file.notPng"));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Record<string, string> = {};
  let at = 8;
  while (at + 8 <= b.length) {
    const len = view.getUint32(at);
    const type = ascii(b, at + 4, 4);
    const data = b.subarray(at + 8, at + 8 + len);
    if (type === "tEXt" || type === "comf") {
      const z = data.indexOf(0);
      if (z > 0) out[latin1.decode(data.subarray(0, z))] = (type === "comf" ? utf8 : latin1).decode(data.subarray(z + 1));
    } else if (type === "iTXt") {
      const z = data.indexOf(0);
      const compressed = data[z + 1] === 1;
      let p = z + 3;
      p = data.indexOf(0, p) + 1; // language tag
      p = data.indexOf(0, p) + 1; // translated keyword
      if (z > 0 && p > 0 && !compressed) out[latin1.decode(data.subarray(0, z))] = utf8.decode(data.subarray(p));
    } else if (type === "IEND") break;
    at += 12 + len;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const isLatin1 = (s: string) => /^[\x00-\xff]*$/.test(s);

/** Escape non-ASCII as \uXXXX, as Python's json.dumps does, so the text fits tEXt. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function textChunk(key: string, text: string): Uint8Array {
  const enc = new TextEncoder();
  if (isLatin1(text)) {
    const data = new Uint8Array(key.length + 1 + text.length);
    for (let i = 0; i < key.length; i++) data[i] = key.charCodeAt(i);
    for (let i = 0; i < text.length; i++) data[key.length + 1 + i] = text.charCodeAt(i);
    return chunk("tEXt", data);
  }
  const body = enc.encode(text);
  const data = new Uint8Array(key.length + 5 + body.length);
  for (let i = 0; i < key.length; i++) data[i] = key.charCodeAt(i);
  data.set(body, key.length + 5); // NUL, flag 0, method 0, empty language, empty translation
  return chunk("iTXt", data);
}

/** A copy of the PNG with `entries` as text chunks after IHDR (replacing same-named ones). */
export function writePngText(b: Uint8Array, entries: Record<string, string>): Uint8Array {
  if (!isPng(b)) throw new Error(t("file.notPng"));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let at = 8;
  let wrote = false;
  while (at + 8 <= b.length) {
    const len = view.getUint32(at);
    const type = ascii(b, at + 4, 4);
    const whole = b.subarray(at, at + 12 + len);
    let drop = false;
    if (type === "tEXt" || type === "iTXt") {
      const data = whole.subarray(8, 8 + len);
      const key = latin1.decode(data.subarray(0, data.indexOf(0)));
      drop = key in entries;
    }
    if (!drop) parts.push(whole);
    if (type === "IHDR" && !wrote) {
      for (const [k, v] of Object.entries(entries)) parts.push(textChunk(k, v));
      wrote = true;
    }
    at += 12 + len;
    if (type === "IEND") break;
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RIFF chunks of a WebP: fourcc, data. */
function webpChunks(b: Uint8Array): { type: string; data: Uint8Array }[] {
  if (!isWebp(b)) throw new Error(t("file.notWebp"));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  let at = 12;
  while (at + 8 <= b.length) {
    const len = view.getUint32(at + 4, true);
    out.push({ type: ascii(b, at, 4), data: b.subarray(at + 8, at + 8 + len) });
    at += 8 + len + (len & 1);
  }
  return out;
}

/** "key:value" strings of a WebP's EXIF IFD0 ASCII/UNDEFINED entries, as key → value. */
export function readWebpText(b: Uint8Array): Record<string, string> {
  const exif = webpChunks(b).find((c) => c.type === "EXIF")?.data;
  const out: Record<string, string> = {};
  if (!exif) return out;
  let tiff = exif;
  if (ascii(tiff, 0, 6) === "Exif\0\0") tiff = tiff.subarray(6);
  const little = ascii(tiff, 0, 2) === "II";
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (p: number) => view.getUint16(p, little);
  const u32 = (p: number) => view.getUint32(p, little);
  const ifd = u32(4);
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    const type = u16(e + 2);
    const n = u32(e + 4);
    if (type !== 2 && type !== 7) continue;
    const start = n <= 4 ? e + 8 : u32(e + 8);
    let text = utf8.decode(tiff.subarray(start, start + n));
    text = text.replace(/\0+$/, "");
    const colon = text.indexOf(":");
    if (colon > 0) out[text.slice(0, colon).toLowerCase() === "workflow" ? "workflow" : text.slice(0, colon)] = text.slice(colon + 1);
  }
  return out;
}

function buildExif(entries: Record<string, string>): Uint8Array {
  const values = Object.entries(entries).map(([k, v]) => new TextEncoder().encode(`${k}:${v}\0`));
  const tags = [0x010f, 0x0110, 0x010e, 0x0131, 0x013b]; // Make, Model, ImageDescription, Software, Artist
  const n = Math.min(values.length, tags.length);
  const header = 8 + 2 + n * 12 + 4;
  const size = header + values.slice(0, n).reduce((s, v) => s + v.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  view.setUint16(8, n, true);
  let data = header;
  for (let i = 0; i < n; i++) {
    const e = 10 + i * 12;
    view.setUint16(e, tags[i], true);
    view.setUint16(e + 2, 2, true);
    view.setUint32(e + 4, values[i].length, true);
    view.setUint32(e + 8, data, true);
    out.set(values[i], data);
    data += values[i].length;
  }
  return out;
}

function webpSize(chunks: { type: string; data: Uint8Array }[]): [number, number] {
  for (const c of chunks) {
    const d = c.data;
    if (c.type === "VP8 ") return [(d[6] | (d[7] << 8)) & 0x3fff, (d[8] | (d[9] << 8)) & 0x3fff];
    if (c.type === "VP8L") {
      const bits = d[1] | (d[2] << 8) | (d[3] << 16) | (d[4] << 24);
      return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
    }
  }
  return [1, 1];
}

/** A copy of the WebP with an EXIF chunk holding `entries` (adds a VP8X header if needed). */
export function writeWebpText(b: Uint8Array, entries: Record<string, string>): Uint8Array {
  const chunks = webpChunks(b).filter((c) => c.type !== "EXIF");
  let vp8x = chunks.find((c) => c.type === "VP8X");
  if (!vp8x) {
    const [w, h] = webpSize(chunks);
    const d = new Uint8Array(10);
    d[4] = (w - 1) & 0xff; d[5] = ((w - 1) >> 8) & 0xff; d[6] = ((w - 1) >> 16) & 0xff;
    d[7] = (h - 1) & 0xff; d[8] = ((h - 1) >> 8) & 0xff; d[9] = ((h - 1) >> 16) & 0xff;
    vp8x = { type: "VP8X", data: d };
    chunks.unshift(vp8x);
  } else {
    vp8x = { type: "VP8X", data: new Uint8Array(vp8x.data) };
    chunks[chunks.findIndex((c) => c.type === "VP8X")] = vp8x;
  }
  vp8x.data[0] |= 0x08;
  chunks.push({ type: "EXIF", data: buildExif(entries) });
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    const head = new Uint8Array(8);
    for (let i = 0; i < 4; i++) head[i] = c.type.charCodeAt(i);
    new DataView(head.buffer).setUint32(4, c.data.length, true);
    parts.push(head, c.data);
    if (c.data.length & 1) parts.push(new Uint8Array(1));
  }
  const body = concat(parts);
  const out = new Uint8Array(12 + body.length);
  out.set([0x52, 0x49, 0x46, 0x46]);
  new DataView(out.buffer).setUint32(4, 4 + body.length, true);
  out.set([0x57, 0x45, 0x42, 0x50], 8);
  out.set(body, 12);
  return out;
}

/** `workflow` / `prompt` texts from a PNG or WebP; {} for anything else. */
export function readImageMetadata(b: Uint8Array): Record<string, string> {
  if (isPng(b)) return readPngText(b);
  if (isWebp(b)) return readWebpText(b);
  return {};
}
