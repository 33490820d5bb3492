import { describe, expect, it } from "vitest";
import { deleteKeepingLinks, findNodes, insertOnLink, linkUnder, type Sockets } from "./edit-ops";
import { makeEdge } from "./node-factory";
import type { GraphNode } from "./types";

const node = (id: string, classType: string, x = 0, y = 0, title?: string): GraphNode =>
  ({ id, type: "graph", position: { x, y }, width: 200, height: 80, data: { classType, widgets: {}, controls: {}, mode: 0, title } }) as unknown as GraphNode;
const SOCKS: Record<string, Sockets> = {
  Load: { inputs: [], outputs: [{ type: "IMAGE" }] },
  Invert: { inputs: [{ name: "image", type: "IMAGE" }], outputs: [{ type: "IMAGE" }] },
  ToMask: { inputs: [{ name: "image", type: "IMAGE" }], outputs: [{ type: "MASK" }] },
  Save: { inputs: [{ name: "images", type: "IMAGE" }], outputs: [] },
};
const chain = () => {
  const nodes = [node("1", "Load"), node("2", "Invert", 300), node("3", "Invert", 600), node("4", "Save", 900)];
  const edges = [makeEdge("1", 0, "2", "image", "IMAGE"), makeEdge("2", 0, "3", "image", "IMAGE"), makeEdge("3", 0, "4", "images", "IMAGE")];
  return { nodes, edges };
};
const sockets = (s: { nodes: GraphNode[] }) => (id: string) => {
  const n = s.nodes.find((x) => x.id === id);
  return n && n.type === "graph" ? SOCKS[n.data.classType] : null;
};

describe("pure edit operations", () => {
  it("deletes a node and keeps the link through it", () => {
    const s = chain();
    const r = deleteKeepingLinks(s, new Set(["2"]), sockets(s));
    expect(r.nodes.map((n) => n.id)).toEqual(["1", "3", "4"]);
    expect(r.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(["1>3", "3>4"]);
  });

  it("bridges across a run of deleted nodes, and not across mismatched types", () => {
    const s = chain();
    expect(deleteKeepingLinks(s, new Set(["2", "3"]), sockets(s)).edges.map((e) => `${e.source}>${e.target}`)).toEqual(["1>4"]);
    const m = { nodes: [node("1", "Load"), node("2", "ToMask"), node("4", "Save")], edges: [makeEdge("1", 0, "2", "image", "IMAGE"), makeEdge("2", 0, "4", "images", "MASK")] };
    expect(deleteKeepingLinks(m, new Set(["2"]), sockets(m)).edges).toEqual([]);
  });

  it("inserts a node onto a link, and refuses one that does not fit", () => {
    const s = { nodes: [node("1", "Load"), node("4", "Save"), node("9", "Invert")], edges: [makeEdge("1", 0, "4", "images", "IMAGE")] };
    const r = insertOnLink(s, s.edges[0], "9", SOCKS.Invert, "IMAGE")!;
    expect(r.edges.map((e) => `${e.source}:${e.sourceHandle}>${e.target}:${e.targetHandle}`).sort()).toEqual(["1:out-0>9:in-image", "9:out-0>4:in-images"]);
    expect(insertOnLink(s, s.edges[0], "9", SOCKS.ToMask, "IMAGE")).toBeNull();
  });

  it("finds the link under a dropped, unlinked node", () => {
    const s = { nodes: [node("1", "Load", 0, 0), node("4", "Save", 800, 0), node("9", "Invert", 400, 0)], edges: [makeEdge("1", 0, "4", "images", "IMAGE")] };
    expect(linkUnder(s, "9")?.id).toBe(s.edges[0].id);
    expect(linkUnder({ ...s, nodes: [...s.nodes.slice(0, 2), node("9", "Invert", 400, 300)] }, "9")).toBeNull();
  });

  it("finds nodes by id, title and type", () => {
    const nodes = [node("1", "LoadImage", 0, 0, "Portrait"), node("12", "SaveImage"), node("2", "ImageInvert")];
    const title = (n: GraphNode) => (n.type === "graph" ? n.data.title ?? n.data.classType : "");
    expect(findNodes(nodes, "#12", title).map((n) => n.id)).toEqual(["12"]);
    expect(findNodes(nodes, "portrait", title).map((n) => n.id)).toEqual(["1"]);
    expect(findNodes(nodes, "image", title).map((n) => n.id)).toEqual(["2", "12", "1"]); // titles before types
  });
});
