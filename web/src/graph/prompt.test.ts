import { describe, expect, it } from "vitest";
import { createNode, makeEdge } from "./node-factory";
import { parseObjectInfo } from "./object-info";
import { fromPrompt, isApiPrompt, toPrompt } from "./prompt";
import type { GraphNode } from "./types";
import { loadWorkflow } from "./workflow-load";
import info from "./fixtures/object-info.json";
import contactSheet from "./fixtures/workflows/contact_sheet.workflow.json";
import hello from "./fixtures/hello_poster.json";

const defs = parseObjectInfo(info);

describe("canvas → API prompt", () => {
  it("converts the contact sheet as the server's converter does", () => {
    const p = toPrompt(loadWorkflow(contactSheet, defs), defs);
    expect(Object.keys(p)).toEqual(["1", "2", "3", "4", "5"]);
    expect(p["1"]).toEqual({
      class_type: "ImageGradient",
      inputs: { width: 512, height: 512, color_start: "#f97316", color_end: "#7c3aed", direction: "radial" },
      _meta: { title: "Sunset" },
    });
    expect(p["3"].inputs).toEqual({ image1: ["1", 0], image2: ["2", 0] });
    expect(p["5"].inputs).toEqual({ images: ["4", 0], filename_prefix: "examples/contact_sheet" });
  });

  const chain = (): { nodes: GraphNode[]; edges: ReturnType<typeof makeEdge>[] } => ({
    nodes: [
      createNode(defs.ImageNoise, "1", { x: 0, y: 0 }),
      createNode(defs.ImageBlur, "2", { x: 0, y: 0 }),
      createNode(defs.SaveImage, "3", { x: 0, y: 0 }),
    ],
    edges: [makeEdge("1", 0, "2", "image", "IMAGE"), makeEdge("2", 0, "3", "images", "IMAGE")],
  });

  it("never sends the seed control mode", () => {
    const p = toPrompt(chain(), defs);
    expect(p["1"].inputs).toEqual({ width: 512, height: 512, seed: 0, amount: 1, monochrome: false });
  });

  it("rewires around a bypassed node", () => {
    const g = chain();
    if (g.nodes[1].type === "graph") g.nodes[1].data.mode = 4;
    const p = toPrompt(g, defs);
    expect(Object.keys(p)).toEqual(["1", "3"]);
    expect(p["3"].inputs.images).toEqual(["1", 0]);
  });

  it("leaves muted nodes out and drops links to them", () => {
    const g = chain();
    if (g.nodes[1].type === "graph") g.nodes[1].data.mode = 2;
    const p = toPrompt(g, defs);
    expect(Object.keys(p)).toEqual(["1", "3"]);
    expect(p["3"].inputs.images).toBeUndefined();
  });

  it("passes through reroutes and skips notes and groups", () => {
    const g = chain();
    g.nodes.push({ id: "9", type: "reroute", position: { x: 0, y: 0 }, data: { type: "IMAGE" } });
    g.nodes.push({ id: "10", type: "note", position: { x: 0, y: 0 }, data: { text: "hi", classType: "Note" } });
    g.nodes.push({ id: "group-1", type: "group", position: { x: 0, y: 0 }, data: { title: "G" } });
    g.edges = [makeEdge("1", 0, "9", "", "IMAGE"), makeEdge("9", 0, "2", "image", "IMAGE"), g.edges[1]];
    const p = toPrompt(g, defs);
    expect(Object.keys(p)).toEqual(["1", "2", "3"]);
    expect(p["2"].inputs.image).toEqual(["1", 0]);
  });

  it("wraps list values and sends a linked widget as a link", () => {
    const g = chain();
    g.nodes.push(createNode(defs.PrimitiveInt, "4", { x: 0, y: 0 }));
    g.edges.push(makeEdge("4", 0, "2", "blur_radius", "INT"));
    if (g.nodes[2].type === "graph") g.nodes[2].data.widgets.filename_prefix = ["a", "b"];
    const p = toPrompt(g, defs);
    expect(p["2"].inputs.blur_radius).toEqual(["4", 0]);
    expect(p["3"].inputs.filename_prefix).toEqual({ __value__: ["a", "b"] });
  });
});

describe("API prompt → canvas", () => {
  it("rebuilds nodes, widgets, links and titles, laid out left to right", () => {
    expect(isApiPrompt(hello)).toBe(true);
    const g = fromPrompt(hello as never, defs);
    expect(g.nodes).toHaveLength(5);
    expect(g.edges).toHaveLength(4);
    const n1 = g.nodes.find((n) => n.id === "1")!;
    const n5 = g.nodes.find((n) => n.id === "5")!;
    expect(n1.type === "graph" && n1.data.title).toBe("Background");
    expect(n5.position.x).toBeGreaterThan(n1.position.x);
    // And back again, the same prompt (titles aside).
    const back = toPrompt(g, defs);
    for (const [id, node] of Object.entries(hello)) expect(back[id].inputs).toEqual(node.inputs);
  });
});
