import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { parseObjectInfo } from "../graph/object-info";
import info from "../graph/fixtures/object-info.json";
import { SubgraphBar } from "../canvas/SubgraphBar";
import { addNode, connect, deleteSelected, leaveSubgraph, redoEdit, selectOnly, undoEdit, useGraph } from "./graph-store";
import { convertSelectionToSubgraph, openSubgraph } from "./subgraph-actions";
import { createStores, StoresContext, withStores } from "./stores";
import { toast, useUI } from "./ui-store";
import { applyEvents, useRuntimeStore } from "./runtime-store";

const defs = parseObjectInfo(info);

describe("injectable stores", () => {
  it("runs edit flows on a set of its own, leaving the app's and another set untouched", () => {
    const a = createStores();
    const b = createStores();
    withStores(a, () => {
      const g = addNode(defs.ImageGradient, { x: 0, y: 0 });
      const inv = addNode(defs.ImageInvert, { x: 300, y: 0 });
      const save = addNode(defs.SaveImage, { x: 600, y: 0 });
      expect(connect({ source: g, sourceHandle: "out-0", target: inv, targetHandle: "in-image" }, defs)).toBeNull();
      expect(connect({ source: inv, sourceHandle: "out-0", target: save, targetHandle: "in-images" }, defs)).toBeNull();
      // Deleting the middle node keeps the link through it, as one undo step.
      selectOnly(inv);
      deleteSelected(defs);
      expect(useGraph.getState().edges.map((e) => `${e.source}>${e.target}`)).toEqual([`${g}>${save}`]);
      undoEdit();
      expect(useGraph.getState().nodes).toHaveLength(3);
      expect(useGraph.getState().edges).toHaveLength(2);
      redoEdit();
    });
    withStores(b, () => addNode(defs.EmptyImage, { x: 0, y: 0 }));
    expect(a.graph.getState().nodes.map((n) => n.type === "graph" && n.data.classType)).toEqual(["ImageGradient", "SaveImage"]);
    expect(b.graph.getState().nodes.map((n) => n.type === "graph" && n.data.classType)).toEqual(["EmptyImage"]);
    expect(useGraph.getState().nodes).toEqual([]);
    withStores(a, () => toast("hello"));
    expect(a.ui.getState().toasts.map((t) => t.text)).toEqual(["hello"]);
    expect(useUI.getState().toasts).toEqual([]);
  });

  it("renders a component from the stores its provider gives", () => {
    const a = createStores();
    const parent = { nodes: [], edges: [] };
    a.graph.setState({ frames: [{ instanceId: "5", defId: "d", name: "Inner look", definitions: [], parent, history: { past: [], future: [], lastKey: null, lastAt: 0 }, viewport: null }] });
    const inA = renderToStaticMarkup(createElement(StoresContext.Provider, { value: a }, createElement(SubgraphBar)));
    expect(inA).toContain("Inner look");
    expect(renderToStaticMarkup(createElement(SubgraphBar))).toBe("");
    expect(renderToStaticMarkup(createElement(StoresContext.Provider, { value: createStores() }, createElement(SubgraphBar)))).toBe("");
  });

  it("never deletes or copies an open subgraph's input and output nodes", () => {
    const a = createStores();
    withStores(a, () => {
      const g = addNode(defs.ImageGradient, { x: 0, y: 0 });
      const inv = addNode(defs.ImageInvert, { x: 300, y: 0 });
      connect({ source: g, sourceHandle: "out-0", target: inv, targetHandle: "in-image" }, defs);
      useGraph.setState({ nodes: useGraph.getState().nodes.map((n) => ({ ...n, selected: true })) });
      expect(convertSelectionToSubgraph(defs)).toBe("3");
      expect(openSubgraph("3", defs)).toBe(true);
      useGraph.setState({ nodes: useGraph.getState().nodes.map((n) => ({ ...n, selected: true })) });
      deleteSelected(defs);
      expect(useGraph.getState().nodes.map((n) => n.id).sort()).toEqual(["-10", "-20"]);
      undoEdit();
      expect(useGraph.getState().nodes.map((n) => n.id).sort()).toEqual(["-10", "-20", "1", "2"]);
      leaveSubgraph(0);
      expect(useGraph.getState().nodes.map((n) => n.id)).toEqual(["3"]);
    });
  });
});

describe("queue moves", () => {
  it("counts a batch in which another client's job was put and finished, though the count ends where it began", () => {
    withStores(createStores(), () => {
      const status = (n: number) => ({ type: "status", data: { status: { exec_info: { queue_remaining: n } } } });
      applyEvents([status(0)]);
      const before = useRuntimeStore.getState().queueMoves;
      // the History panel refreshes on this: such a job is in history now
      applyEvents([status(1), { type: "execution_start", data: { prompt_id: "foreign" } }, status(0)]);
      expect(useRuntimeStore.getState().queueRemaining).toBe(0);
      expect(useRuntimeStore.getState().queueMoves).toBe(before + 1);
      applyEvents([{ type: "executing", data: { prompt_id: "foreign", node: "1" } }]); // no status: no move
      expect(useRuntimeStore.getState().queueMoves).toBe(before + 1);
    });
  });
});
