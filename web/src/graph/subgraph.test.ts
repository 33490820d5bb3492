import { describe, expect, it } from "vitest";
import { createNode, makeEdge } from "./node-factory";
import { parseObjectInfo } from "./object-info";
import { closeFrame, createSubgraph, findDefinition, linkNewSlot, NEW_SLOT, openDefinition, rootOf, unpackSubgraph, type Snap } from "./subgraph";
import type { GraphNode } from "./types";
import { toWorkflow } from "./workflow";
import { loadWorkflow } from "./workflow-load";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);

/** Gradient(1) -> Invert(2) -> Blur(3) -> Save(4), and Gradient also feeds Save(5). */
function chain(): Snap {
  const at = (i: number) => ({ x: i * 300, y: 100 });
  const nodes: GraphNode[] = [
    createNode(defs.ImageGradient, "1", at(0)),
    createNode(defs.ImageInvert, "2", at(1)),
    createNode(defs.ImageBlur, "3", at(2)),
    createNode(defs.SaveImage, "4", at(3)),
    createNode(defs.SaveImage, "5", at(3)),
  ];
  const edges = [
    makeEdge("1", 0, "2", "image", "IMAGE"),
    makeEdge("2", 0, "3", "image", "IMAGE"),
    makeEdge("3", 0, "4", "images", "IMAGE"),
    makeEdge("1", 0, "5", "images", "IMAGE"),
  ];
  return { nodes, edges };
}

const links = (s: Snap) => s.edges.map((e) => `${e.source}:${e.sourceHandle}>${e.target}:${e.targetHandle}`).sort();
const outputName = () => "IMAGE";

describe("subgraphs", () => {
  it("makes a subgraph of a selection: crossing links become its inputs and outputs", () => {
    const r = createSubgraph(chain(), new Set(["2", "3"]), defs, { name: "Look", outputName, id: "sg-1" })!;
    expect(r.instanceId).toBe("6");
    expect(r.nodes.map((n) => n.id).sort()).toEqual(["1", "4", "5", "6"]);
    expect(links(r)).toEqual(["1:out-0>5:in-images", "1:out-0>6:in-image", "6:out-0>4:in-images"]);
    const d = r.definition as Record<string, any>;
    expect(d.inputs.map((i: any) => [i.name, i.type, i.linkIds.length])).toEqual([["image", "IMAGE", 1]]);
    expect(d.outputs.map((o: any) => [o.name, o.type, o.linkIds.length])).toEqual([["IMAGE", "IMAGE", 1]]);
    expect(d.nodes.map((n: any) => n.type)).toEqual(["ImageInvert", "ImageBlur"]);
    const ends = d.links.map((l: any) => `${l.origin_id}/${l.origin_slot}>${l.target_id}/${l.target_slot}`).sort();
    expect(ends).toEqual(["-10/0>2/0", "2/0>3/0", "3/0>-20/0"]);
    // The saved document carries the definition and its instance, and loads back as an instance.
    const doc = toWorkflow(r, defs);
    expect((doc.definitions as any).subgraphs[0].id).toBe("sg-1");
    const back = loadWorkflow(doc, defs);
    expect(back.missingTypes).toEqual([]);
    const inst = back.nodes.find((n) => n.id === "6")!;
    expect(inst.type === "graph" && inst.data.subgraph?.name).toBe("Look");
  });

  it("unpacks an instance back into the same nodes and links (fresh ids)", () => {
    const made = createSubgraph(chain(), new Set(["2", "3"]), defs, { name: "Look", outputName, id: "sg-1" })!;
    const r = unpackSubgraph(made, made.instanceId, defs)!;
    expect(r.ids).toEqual(["7", "8"]);
    const byId = new Map(r.nodes.map((n) => [n.id, n]));
    expect(r.ids.map((id) => (byId.get(id) as any).data.classType)).toEqual(["ImageInvert", "ImageBlur"]);
    expect(links(r)).toEqual(["1:out-0>5:in-images", "1:out-0>7:in-image", "7:out-0>8:in-image", "8:out-0>4:in-images"]);
  });

  it("opens a definition to edit and writes the edit back into every instance", () => {
    const made = createSubgraph(chain(), new Set(["2", "3"]), defs, { name: "Look", outputName, id: "sg-1" })!;
    const inst = made.nodes.find((n) => n.id === "6")!;
    if (inst.type !== "graph" || !inst.data.subgraph) throw new Error("no instance");
    const defsList = inst.data.subgraph.definitions;
    const inner = openDefinition(findDefinition(defsList, "sg-1")!, defsList, defs);
    expect(inner.nodes.filter((n) => n.type === "sgio").map((n) => n.id)).toEqual(["-10", "-20"]);
    expect(links(inner)).toEqual(["-10:out-0>2:in-image", "2:out-0>3:in-image", "3:out-0>-20:in-IMAGE"]);
    const edited = {
      nodes: inner.nodes.map((n) => (n.id === "3" && n.type === "graph" ? { ...n, data: { ...n.data, widgets: { ...n.data.widgets, blur_radius: 9 } } } : n)),
      edges: inner.edges,
    };
    const frame = { instanceId: "6", defId: "sg-1", name: "Look", definitions: defsList, parent: { nodes: made.nodes, edges: made.edges } };
    const parent = closeFrame(frame, edited, defs);
    const after = parent.nodes.find((n) => n.id === "6")!;
    const def = after.type === "graph" ? (findDefinition(after.data.subgraph!.definitions, "sg-1") as any) : null;
    expect(def.nodes.find((n: any) => n.id === 3).widgets_values[0]).toBe(9);
    expect(def.inputs[0].linkIds).toHaveLength(1);
    expect(rootOf([frame], edited, defs).nodes.length).toBe(4);
  });

  it("keeps a promoted widget's value when unpacking", () => {
    const made = createSubgraph(chain(), new Set(["1", "2"]), defs, { name: "Src", outputName, id: "sg-2" })!;
    // No input crosses in; give the instance a promoted width like ComfyUI's instances carry.
    const defsList = (made.nodes.find((n) => n.id === "6") as any).data.subgraph.definitions;
    const def = findDefinition(defsList, "sg-2") as any;
    const inner = openDefinition(def, defsList, defs);
    inner.nodes[0] = { ...inner.nodes[0], data: { dir: "in", slots: [{ name: "width", type: "INT" }] } } as GraphNode;
    inner.edges.push(makeEdge("-10", 0, "1", "width", "INT"));
    const frame = { instanceId: "6", defId: "sg-2", name: "Src", definitions: defsList, parent: made };
    const parent = closeFrame(frame, inner, defs);
    const withWidget = parent.nodes.map((n) => (n.id === "6" && n.type === "graph"
      ? { ...n, data: { ...n.data, missing: { inputs: [{ name: "width", type: "INT", widget: "width" }], outputs: [{ name: "IMAGE", type: "IMAGE" }], widgetsValues: [77] } } } : n));
    const r = unpackSubgraph({ nodes: withWidget, edges: parent.edges }, "6", defs)!;
    const gradient = r.nodes.find((n) => n.type === "graph" && n.data.classType === "ImageGradient")!;
    expect(gradient.type === "graph" && gradient.data.widgets.width).toBe(77);
  });

  it("nests: a subgraph made inside an open one joins the document's definitions", () => {
    const made = createSubgraph(chain(), new Set(["2", "3"]), defs, { name: "Look", outputName, id: "sg-1" })!;
    const defsList = (made.nodes.find((n) => n.id === "6") as any).data.subgraph.definitions;
    const inner = openDefinition(findDefinition(defsList, "sg-1")!, defsList, defs);
    const nested = createSubgraph(inner, new Set(["3"]), defs, { name: "Blur", outputName, id: "sg-2", definitions: defsList })!;
    const frame = { instanceId: "6", defId: "sg-1", name: "Look", definitions: defsList, parent: made };
    const doc = toWorkflow(closeFrame(frame, nested, defs), defs) as any;
    expect(doc.definitions.subgraphs.map((d: any) => d.id)).toEqual(["sg-1", "sg-2"]);
    expect(doc.definitions.subgraphs[0].nodes.map((n: any) => n.type)).toEqual(["ImageInvert", "sg-2"]);
    expect(doc.definitions.subgraphs[1].nodes.map((n: any) => n.type)).toEqual(["ImageBlur"]);
    const back = loadWorkflow(doc, defs);
    expect(back.missingTypes).toEqual([]);
  });

  it("adds inputs and outputs through the free slots, and instances gain the sockets", () => {
    const made = createSubgraph(chain(), new Set(["2", "3"]), defs, { name: "Look", outputName, id: "sg-1" })!;
    const defsList = (made.nodes.find((n) => n.id === "6") as any).data.subgraph.definitions;
    let inner: Snap = openDefinition(findDefinition(defsList, "sg-1")!, defsList, defs);
    inner = linkNewSlot(inner, { source: "-10", sourceHandle: "out-1", target: "3", targetHandle: "in-blur_radius" }, { out: "*", in: "INT", outName: "" })!;
    inner = linkNewSlot(inner, { source: "2", sourceHandle: "out-0", target: "-20", targetHandle: `in-${NEW_SLOT}` }, { out: "IMAGE", in: "*", outName: "IMAGE" })!;
    expect(linkNewSlot(inner, { source: "2", sourceHandle: "out-0", target: "3", targetHandle: "in-image" }, { out: "IMAGE", in: "IMAGE", outName: "IMAGE" })).toBeNull();
    const frame = { instanceId: "6", defId: "sg-1", name: "Look", definitions: defsList, parent: made };
    const parent = closeFrame(frame, inner, defs);
    const inst = parent.nodes.find((n) => n.id === "6") as any;
    expect(inst.data.missing.inputs.map((i: any) => [i.name, i.type])).toEqual([["image", "IMAGE"], ["blur_radius", "INT"]]);
    expect(inst.data.missing.outputs.map((o: any) => [o.name, o.type])).toEqual([["IMAGE", "IMAGE"], ["IMAGE_1", "IMAGE"]]);
    const def = findDefinition(inst.data.subgraph.definitions, "sg-1") as any;
    expect(def.inputs[1].linkIds).toHaveLength(1);
    expect(def.outputs[1].linkIds).toHaveLength(1);
  });
});
