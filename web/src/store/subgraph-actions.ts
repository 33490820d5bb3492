/**
 * Subgraph actions on the graph store: open an instance to edit its inside (leaving it
 * is `leaveSubgraph` in graph-store.ts), make a subgraph of the selection, unpack an
 * instance into its nodes. Creating and unpacking are one undo step each; the pure
 * work is in graph/subgraph.ts.
 */
import { createSubgraph, definitionName, findDefinition, openDefinition, unpackSubgraph } from "../graph/subgraph";
import { isGraphNode, type NodeDefs } from "../graph/types";
import { emptyHistory } from "../graph/history";
import { t } from "../i18n";
import { edit, useGraph } from "./graph-store";
import { toast } from "./ui-store";

/** Show the inside of instance `id`; its own undo history starts empty. */
export function openSubgraph(id: string, defs: NodeDefs): boolean {
  const s = useGraph.getState();
  const inst = s.nodes.find((n) => n.id === id);
  if (!inst || !isGraphNode(inst) || !inst.data.subgraph) return false;
  const { definitions } = inst.data.subgraph;
  const def = findDefinition(definitions, inst.data.subgraph.id);
  if (!def) {
    toast(t("subgraph.noDefinition", { name: inst.data.subgraph.name }), "error");
    return false;
  }
  const inner = openDefinition(def, definitions, defs);
  const frame = {
    instanceId: id, defId: def.id, name: inst.data.title || definitionName(def), definitions,
    parent: { nodes: s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), edges: s.edges },
    history: s.history, viewport: s.viewport,
  };
  useGraph.setState({
    frames: [...s.frames, frame], nodes: inner.nodes, edges: inner.edges,
    history: emptyHistory(), viewport: null, loadCount: s.loadCount + 1,
  });
  return true;
}

const outputNamer = (defs: NodeDefs) => (id: string, slot: number): string => {
  const n = useGraph.getState().nodes.find((x) => x.id === id);
  if (!n) return "output";
  if (n.type === "reroute") return n.data.type;
  if (!isGraphNode(n)) return "output";
  const o = defs[n.data.classType]?.outputs[slot] ?? n.data.missing?.outputs[slot];
  return o?.name || o?.type || "output";
};

/** Make a subgraph of the selected nodes (one undo step); the new instance's id, or null. */
export function convertSelectionToSubgraph(defs: NodeDefs): string | null {
  const s = useGraph.getState();
  const ids = new Set(s.nodes.filter((n) => n.selected && n.type !== "group" && n.type !== "sgio").map((n) => n.id));
  if (!ids.size) {
    toast(t("subgraph.selectFirst"), "warn");
    return null;
  }
  const frameDefs = s.frames.length ? s.frames[s.frames.length - 1].definitions : undefined;
  let made: string | null = null;
  edit((g) => {
    const r = createSubgraph(g, ids, defs, { name: t("subgraph.newName"), outputName: outputNamer(defs), definitions: frameDefs && undefinedIfHasInstances(g.nodes, frameDefs) });
    if (!r) return {};
    made = r.instanceId;
    return { nodes: r.nodes, edges: r.edges };
  });
  return made;
}

/** Inside a subgraph with no instances of its own, new definitions join the document's list. */
function undefinedIfHasInstances(nodes: readonly { type?: string; data: unknown }[], frameDefs: unknown[]): unknown[] | undefined {
  return nodes.some((n) => n.type === "graph" && (n.data as { subgraph?: unknown }).subgraph) ? undefined : frameDefs;
}

/** Replace instance `id` by its nodes (one undo step). */
export function unpackInstance(id: string, defs: NodeDefs): boolean {
  let done = false;
  edit((g) => {
    const r = unpackSubgraph(g, id, defs);
    if (!r) return {};
    done = true;
    return { nodes: r.nodes, edges: r.edges };
  });
  return done;
}
