/** React Flow node types, at module scope so their identity never changes (a new object remounts every node). */
import type { NodeTypes } from "@xyflow/react";
import { GraphNode } from "./GraphNode";
import { GroupNode } from "./GroupNode";
import { NoteNode } from "./NoteNode";
import { RerouteNode } from "./RerouteNode";
import { SubgraphIONode } from "./SubgraphIONode";

export const nodeTypes: NodeTypes = { graph: GraphNode, group: GroupNode, note: NoteNode, reroute: RerouteNode, sgio: SubgraphIONode } as NodeTypes;
