import { describe, expect, it } from "vitest";
import { canConnect, checkConnection, downstreamSet, firstCompatibleInput, nodesAccepting, nodesProducing, reaches } from "./compat";
import { parseObjectInfo } from "./object-info";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);
const graph: Record<string, string[]> = { a: ["b"], b: ["c"], c: [] };
const down = (id: string) => graph[id] ?? [];

describe("canConnect (ComfyUI's validate_node_input)", () => {
  it("matches equal types", () => expect(canConnect("IMAGE", "IMAGE")).toBe(true));
  it("refuses different types", () => expect(canConnect("LATENT", "IMAGE")).toBe(false));
  it("lets * match anything either way", () => {
    expect(canConnect("*", "IMAGE")).toBe(true);
    expect(canConnect("MASK", "*")).toBe(true);
  });
  it("matches comma unions that intersect", () => {
    expect(canConnect("FLOAT", "IMAGE,FLOAT")).toBe(true);
    expect(canConnect("IMAGE,MASK", "MASK")).toBe(true);
    expect(canConnect("IMAGE,MASK", "LATENT,INT")).toBe(false);
  });
});

describe("checkConnection", () => {
  const q = { outType: "IMAGE", input: { name: "image", type: "IMAGE" }, downstream: down };
  it("refuses a self-link first", () => {
    expect(checkConnection({ ...q, sourceId: "a", targetId: "a" })).toEqual({ ok: false, reason: "A node cannot be connected to itself" });
  });
  it("refuses a cycle", () => {
    expect(checkConnection({ ...q, sourceId: "c", targetId: "a" })).toEqual({ ok: false, reason: "Connection would create an infinite loop" });
  });
  it("explains a type mismatch", () => {
    const v = checkConnection({ ...q, outType: "LATENT", sourceId: "a", targetId: "c" });
    expect(v).toEqual({ ok: false, reason: "Input image requires IMAGE but would be connected with LATENT" });
  });
  it("accepts a good link", () => expect(checkConnection({ ...q, sourceId: "a", targetId: "c" }).ok).toBe(true));
  it("computes reachability", () => {
    expect(reaches("a", "c", down)).toBe(true);
    expect(reaches("c", "a", down)).toBe(false);
    expect([...downstreamSet("a", down)].sort()).toEqual(["a", "b", "c"]);
  });
});

describe("compatible node lists", () => {
  it("offers only nodes that accept the dragged type", () => {
    const names = nodesAccepting(defs, "MASK").map((d) => d.name);
    expect(names).toContain("InvertMask");
    expect(names).toContain("MaskToImage");
    expect(names).toContain("PreviewAny"); // "*" input
    expect(names).not.toContain("ImageBlur");
    expect(names).not.toContain("EmptyImage");
  });
  it("offers producers when dragging from an input", () => {
    const names = nodesProducing(defs, "IMAGE").map((d) => d.name);
    expect(names).toContain("LoadImage");
    expect(names).not.toContain("SaveAudio");
    expect(names).not.toContain("ImageToMask");
  });
  it("wires the first compatible socket, not a widget", () => {
    expect(firstCompatibleInput(defs.ImageBlend, "IMAGE")?.name).toBe("image1");
    expect(firstCompatibleInput(defs.IntMath, "INT")?.name).toBe("a");
  });
});
