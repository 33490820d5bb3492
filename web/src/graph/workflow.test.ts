import { describe, expect, it } from "vitest";
import { createNode, makeEdge } from "./node-factory";
import { parseObjectInfo } from "./object-info";
import type { GraphNode } from "./types";
import { toWorkflow } from "./workflow";
import { loadWorkflow } from "./workflow-load";
import info from "./fixtures/object-info.json";
import contactSheet from "./fixtures/workflows/contact_sheet.workflow.json";

const defs = parseObjectInfo(info);

describe("UI workflow 0.4", () => {
  it("loads ComfyUI's format: widgets, links, groups, viewport", () => {
    const g = loadWorkflow(contactSheet, defs);
    expect(g.missingTypes).toEqual([]);
    const sunset = g.nodes.find((n) => n.id === "1")!;
    expect(sunset.type).toBe("graph");
    if (sunset.type !== "graph") return;
    expect(sunset.data.title).toBe("Sunset");
    expect(sunset.data.widgets).toEqual({ width: 512, height: 512, color_start: "#f97316", color_end: "#7c3aed", direction: "radial" });
    expect(g.edges.map((e) => `${e.source}>${e.target}:${e.targetHandle}`)).toEqual(["1>3:in-image1", "2>3:in-image2", "3>4:in-images", "4>5:in-images"]);
    expect(g.nodes.filter((n) => n.type === "group").map((n) => n.data.title)).toEqual(["Two gradients, one sheet"]);
    expect(g.viewport).toEqual({ zoom: 1, x: 0, y: 0 });
  });

  it("round-trips through save and load", () => {
    const g = loadWorkflow(contactSheet, defs);
    const saved = toWorkflow(g, defs, { viewport: { x: 10, y: 20, zoom: 2 } });
    expect(saved.version).toBe(0.4);
    expect(saved.links).toEqual(contactSheet.links);
    expect(saved.nodes.map((n) => n.widgets_values)).toEqual(contactSheet.nodes.map((n) => n.widgets_values));
    expect(saved.groups[0].bounding).toEqual([20, 20, 1280, 520]);
    expect(saved.extra.ds).toEqual({ scale: 2, offset: [5, 10] });
    const again = loadWorkflow(JSON.parse(JSON.stringify(saved)), defs);
    expect(again.edges).toEqual(g.edges);
    expect(again.viewport).toEqual({ x: 10, y: 20, zoom: 2 });
  });

  it("writes a linked widget as an input with a widget marker", () => {
    const nodes: GraphNode[] = [createNode(defs.PrimitiveInt, "1", { x: 0, y: 0 }), createNode(defs.ImageBlur, "2", { x: 300, y: 0 })];
    const edges = [makeEdge("1", 0, "2", "blur_radius", "INT")];
    const w = toWorkflow({ nodes, edges }, defs);
    const blur = w.nodes.find((n) => n.id === 2)!;
    expect(blur.inputs).toEqual([
      { name: "image", type: "IMAGE", link: null },
      { name: "blur_radius", type: "INT", link: 1, widget: { name: "blur_radius" } },
    ]);
    expect(w.links).toEqual([[1, 1, 0, 2, 1, "INT"]]);
  });

  it("reads version 1 link objects", () => {
    const v1 = {
      ...contactSheet,
      version: 1,
      links: contactSheet.links.map(([id, o, os, t, ts, type]) => ({ id, origin_id: o, origin_slot: os, target_id: t, target_slot: ts, type })),
      state: { lastNodeId: 5, lastLinkId: 4 },
    };
    expect(loadWorkflow(v1, defs).edges).toHaveLength(4);
  });

  it("keeps unknown node types as placeholders and lists them", () => {
    const doc = {
      nodes: [
        { id: 1, type: "KSampler", pos: [0, 0], size: [200, 100], inputs: [{ name: "model", type: "MODEL", link: null }],
          outputs: [{ name: "LATENT", type: "LATENT", links: [] }], widgets_values: [5, "fixed", 20] },
      ],
      links: [],
    };
    const g = loadWorkflow(doc, defs);
    expect(g.missingTypes).toEqual(["KSampler"]);
    expect(g.warnings[0]).toContain("KSampler");
    const saved = toWorkflow(g, defs);
    expect(saved.nodes[0].widgets_values).toEqual([5, "fixed", 20]);
    expect(saved.nodes[0].outputs[0].type).toBe("LATENT");
  });

  it("turns PrimitiveNodes into Primitive nodes, keeps Reroutes and Notes", () => {
    const doc = {
      nodes: [
        { id: 1, type: "PrimitiveNode", pos: [0, 0], outputs: [{ name: "INT", type: "INT", links: [1], widget: { name: "blur_radius" } }], widgets_values: [4, "fixed"] },
        { id: 2, type: "Reroute", pos: [100, 0], inputs: [{ name: "", type: "*", link: 1 }], outputs: [{ name: "", type: "INT", links: [2] }] },
        { id: 3, type: "ImageBlur", pos: [200, 0], inputs: [{ name: "image", type: "IMAGE", link: null }, { name: "blur_radius", type: "INT", link: 2, widget: { name: "blur_radius" } }], outputs: [], widgets_values: [1, 1] },
        { id: 4, type: "Note", pos: [0, 200], widgets_values: ["<b>not html</b>"] },
      ],
      links: [[1, 1, 0, 2, 0, "INT"], [2, 2, 0, 3, 1, "INT"]],
    };
    const g = loadWorkflow(doc, defs);
    expect(g.nodes.map((n) => n.type)).toEqual(["graph", "reroute", "graph", "note"]);
    const prim = g.nodes[0];
    expect(prim.type === "graph" && prim.data.classType).toBe("PrimitiveInt");
    expect(prim.type === "graph" && prim.data.widgets.value).toBe(4);
    expect(g.edges.map((e) => e.targetHandle)).toEqual(["in-", "in-blur_radius"]);
    expect(g.nodes[3].data.text).toBe("<b>not html</b>");
  });
});

describe("subgraphs", () => {
  const SUB = "0b6f3a52-8d1e-4c2a-9f4b-7e5d3c2a1b09";
  const definition = { id: SUB, name: "Backdrop", inputs: [], outputs: [], nodes: [], links: [] };
  const doc = {
    version: 0.4, last_node_id: 11, last_link_id: 1, groups: [], config: {}, extra: {},
    definitions: { subgraphs: [definition] },
    links: [[1, 10, 0, 11, 0, "IMAGE"]],
    nodes: [
      { id: 10, type: SUB, pos: [0, 0], size: [300, 100], inputs: [{ name: "width", type: "INT", link: null, widget: { name: "width" } }], outputs: [{ name: "IMAGE", type: "IMAGE", links: [1] }], widgets_values: [80] },
      { id: 11, type: "SaveImage", pos: [400, 0], size: [300, 100], inputs: [{ name: "images", type: "IMAGE", link: 1 }], outputs: [], widgets_values: ["x"] },
    ],
  };

  it("loads instances as subgraph nodes (not missing) and writes the definitions back", () => {
    const g = loadWorkflow(doc, defs);
    expect(g.missingTypes).toEqual([]);
    const inst = g.nodes.find((n) => n.id === "10")!;
    expect(inst.type === "graph" && inst.data.subgraph?.name).toBe("Backdrop");
    const out = toWorkflow(g, defs) as unknown as { definitions: { subgraphs: unknown[] }; nodes: { id: number; type: string; inputs: unknown[]; widgets_values: unknown }[] };
    expect(out.definitions.subgraphs).toEqual([definition]);
    const back = out.nodes.find((n) => n.id === 10)!;
    expect(back.type).toBe(SUB);
    expect(back.widgets_values).toEqual([80]);
    expect(back.inputs).toEqual([{ name: "width", type: "INT", link: null, widget: { name: "width" } }]);
  });
});
