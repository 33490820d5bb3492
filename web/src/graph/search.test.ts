import { describe, expect, it } from "vitest";
import { layoutGraph } from "./layout";
import { parseObjectInfo } from "./object-info";
import { fuzzyScore, searchNodes } from "./search";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);

describe("fuzzy search", () => {
  it("matches subsequences and prefers word starts", () => {
    expect(fuzzyScore("svim", "Save Image")).toBeGreaterThan(0);
    expect(fuzzyScore("xyz", "Save Image")).toBe(-1);
    expect(fuzzyScore("save", "Save Image")).toBeGreaterThan(fuzzyScore("save", "Preview Unsaved"));
  });
  it("searches name, class, category and type", () => {
    expect(searchNodes(defs, "save").slice(0, 5).map((d) => d.name)).toEqual(expect.arrayContaining(["SaveImage", "SaveAudio", "SaveVideo"]));
    expect(searchNodes(defs, "ImageBlur")[0].name).toBe("ImageBlur");
    expect(searchNodes(defs, "mask").map((d) => d.name)).toContain("InvertMask");
    expect(searchNodes(defs, "blr")[0].name).toBe("ImageBlur");
  });
  it("filters by input type and ranks used nodes first", () => {
    const r = searchNodes(defs, "", { inputType: "MASK" });
    expect(r.every((d) => d.inputs.some((i) => i.type === "MASK" || i.type === "*"))).toBe(true);
    const boosted = searchNodes(defs, "image", { usage: { ImageRotate: 50 } });
    expect(boosted[0].name).toBe("ImageRotate");
  });
});

describe("auto-arrange", () => {
  it("puts each node right of its inputs without overlaps", () => {
    const boxes = ["a", "b", "c", "d"].map((id) => ({ id, width: 100, height: 50 }));
    const pos = layoutGraph(boxes, [{ source: "a", target: "c" }, { source: "b", target: "c" }, { source: "c", target: "d" }]);
    expect(pos.get("c")!.x).toBeGreaterThan(pos.get("a")!.x);
    expect(pos.get("d")!.x).toBeGreaterThan(pos.get("c")!.x);
    expect(pos.get("a")!.y).not.toBe(pos.get("b")!.y);
  });
  it("survives cycles and 3,000 nodes quickly", () => {
    const boxes = Array.from({ length: 3000 }, (_, i) => ({ id: String(i), width: 200, height: 100 }));
    const edges = boxes.slice(1).map((b, i) => ({ source: String(i), target: b.id }));
    edges.push({ source: "2999", target: "0" });
    const t = performance.now();
    expect(layoutGraph(boxes, edges).size).toBe(3000);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
