/**
 * The canvas model: node definitions read from /object_info and the graph the editor
 * edits. Plain data, no React; the React Flow node/edge shapes are used as-is (only
 * `import type`), so the store can hand them to <ReactFlow> without copying.
 */
import type { Edge, Node } from "@xyflow/react";

/** A socket type name: "IMAGE", "INT", "*", or a comma union such as "IMAGE,MASK". */
export type SocketType = string;

/** CUSTOM: the frontend's own widget types (COLOR, IMAGECOMPARE, ...): a widget slot, no socket. */
export type WidgetKind = "INT" | "FLOAT" | "STRING" | "BOOLEAN" | "COMBO" | "CUSTOM";

/** Seed-style control applied after each queue (UI only, never sent to the server). */
export type ControlMode = "fixed" | "increment" | "decrement" | "randomize";
export const CONTROL_MODES: readonly ControlMode[] = ["fixed", "increment", "decrement", "randomize"];

export interface InputDef {
  name: string;
  /** Socket type; "COMBO" for a list of choices. */
  type: SocketType;
  section: "required" | "optional";
  /** Edited as a widget (it also keeps a handle so a link can replace it). */
  widget: WidgetKind | null;
  options: Record<string, unknown>;
  choices?: unknown[];
  default?: unknown;
  tooltip?: string;
  /** Has a fixed/increment/decrement/randomize control after it. */
  control: boolean;
  /** Combo with an upload button (image_upload and friends). */
  upload: "image" | "video" | "audio" | null;
  /** A growing list of sockets (ComfyUI's COMFY_AUTOGROW_V3): "images" holds images.image0, images.image1, ... */
  grow?: { prefix: string; type: SocketType; min: number; max: number; names?: string[] };
  /** A dynamic combo (ComfyUI's COMFY_DYNAMICCOMBO_V3): each choice brings its own inputs
   * ("model.aspect_ratio", "model.images"), shown and saved right after the combo. */
  dynamic?: { key: string; inputs: InputDef[] }[];
}

export interface OutputDef {
  name: string;
  type: SocketType;
  isList: boolean;
  tooltip?: string;
}

export interface NodeDef {
  name: string;
  displayName: string;
  category: string;
  description: string;
  inputs: InputDef[];
  outputs: OutputDef[];
  outputNode: boolean;
  pythonModule: string;
  deprecated?: boolean;
  experimental?: boolean;
  apiNode?: boolean;
}

export type NodeDefs = Record<string, NodeDef>;

/** 0 = always, 2 = never (muted), 4 = bypass: ComfyUI's `mode` values. */
export type NodeMode = 0 | 2 | 4;

/** Data of an executable node (or a placeholder for a type the server lacks). */
export interface GraphNodeData extends Record<string, unknown> {
  classType: string;
  title?: string;
  widgets: Record<string, unknown>;
  controls: Record<string, ControlMode>;
  mode: NodeMode;
  collapsed?: boolean;
  pinned?: boolean;
  color?: string;
  /** Set when the type is not in /object_info; the saved sockets are kept to draw it. */
  missing?: { inputs: { name: string; type: string; widget?: string }[]; outputs: { name: string; type: string }[]; widgetsValues: unknown };
  /** A subgraph instance (ComfyUI's subgraphs): its definition id and name, and the document's
   * subgraph definitions (kept as loaded, written back on save, expanded by the server on run). */
  subgraph?: { id: string; name: string; definitions: unknown[] };
  /** Saved widget values past the node's declared widgets (the frontend's own, e.g. CustomCombo's options), written back as loaded. */
  widgetsTail?: unknown[];
  /** Properties carried over from a loaded workflow. */
  properties?: Record<string, unknown>;
}

export interface GroupData extends Record<string, unknown> {
  title: string;
  color?: string;
}

export interface NoteData extends Record<string, unknown> {
  text: string;
  classType: "Note" | "MarkdownNote";
}

export interface RerouteData extends Record<string, unknown> {
  type: SocketType;
}

/** Inside an open subgraph: its input node (id "-10", the subgraph's inputs as outputs)
 * or its output node (id "-20", the subgraph's outputs as inputs), as in ComfyUI. */
export interface SubgraphIOData extends Record<string, unknown> {
  dir: "in" | "out";
  slots: { name: string; type: SocketType }[];
}

export type GraphNode =
  | Node<GraphNodeData, "graph">
  | Node<GroupData, "group">
  | Node<NoteData, "note">
  | Node<RerouteData, "reroute">
  | Node<SubgraphIOData, "sgio">;

export interface EdgeData extends Record<string, unknown> {
  type: SocketType;
}
export type GraphEdge = Edge<EdgeData>;

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Handle ids: outputs by slot index, inputs by input name. */
export const outHandle = (slot: number): string => `out-${slot}`;
export const inHandle = (name: string): string => `in-${name}`;
export function outSlot(handle: string | null | undefined): number {
  return handle && handle.startsWith("out-") ? Number(handle.slice(4)) : 0;
}
export function inName(handle: string | null | undefined): string {
  return handle && handle.startsWith("in-") ? handle.slice(3) : "";
}

export function isGraphNode(node: GraphNode): node is Node<GraphNodeData, "graph"> {
  return node.type === "graph";
}

export const edgeId = (source: string, sourceHandle: string, target: string, targetHandle: string): string =>
  `e${source}:${sourceHandle}-${target}:${targetHandle}`;
