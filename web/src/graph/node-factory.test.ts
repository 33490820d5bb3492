import { describe, expect, it } from "vitest";
import { createNode, estimateHandles, estimateSize, nextId, withHandles } from "./node-factory";
import { parseObjectInfo } from "./object-info";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);

describe("node factory", () => {
  it("numbers new nodes after the largest numeric id", () => {
    expect(nextId([{ id: "3" }, { id: "group-1" }, { id: "10" }])).toBe("11");
    expect(nextId([])).toBe("1");
  });
  it("creates nodes with default widgets, seed modes and an estimated size", () => {
    const n = createNode(defs.ImageNoise, "1", { x: 5, y: 6 });
    expect(n.type === "graph" && n.data.widgets.seed).toBe(0);
    expect(n.type === "graph" && n.data.controls.seed).toBe("randomize");
    expect(n.initialHeight).toBe(estimateSize(defs.ImageNoise).height);
  });
  it("estimates every handle so culled nodes still get edges", () => {
    const n = createNode(defs.ImageBlend, "1", { x: 0, y: 0 });
    const ids = estimateHandles(n, defs.ImageBlend).map((h) => `${h.type}:${h.id}`);
    expect(ids).toEqual(["target:in-image1", "target:in-image2", "target:in-blend_factor", "target:in-blend_mode", "source:out-0"]);
    const [withH] = withHandles([n], defs);
    expect(withH.handles).toHaveLength(5);
    // Nodes of unknown types without saved sockets are left to be measured.
    expect(withHandles([{ ...n, data: { ...n.data, classType: "Nope" } } as typeof n], defs)[0].handles).toBeUndefined();
  });
});
