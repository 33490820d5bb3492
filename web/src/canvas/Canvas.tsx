/**
 * The React Flow canvas: wires the graph store to <ReactFlow>, link dragging (dimmed
 * incompatible handles, refusals with a reason at the pointer, drop on empty canvas →
 * filtered search), double-click search, drops and pastes, group dragging, culling and
 * the minimap threshold. All props passed to ReactFlow are stable.
 */
import {
  Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, useReactFlow, useStore,
  type Connection, type FinalConnectionState, type OnConnectStartParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { openFile, openText } from "../actions/files";
import { uploadInto } from "../actions/upload";
import { downstreamSet } from "../graph/compat";
import { adjacency } from "../graph/node-factory";
import type { GraphEdge, GraphNode } from "../graph/types";
import { inName, outSlot } from "../graph/types";
import { defsNow, useCatalogue } from "../store/catalogue-store";
import {
  addNode, beginDrag, connect, dropOnLink, inputType, nodesInGroup, onEdgesChange, onNodesChange, outputType, refusal, setViewport, useGraph, type LinkFrom,
} from "../store/graph-store";
import { toast, useUI } from "../store/ui-store";
import { edgeTypes } from "./TypedEdge";
import { nodeTypes } from "./node-types";
import { useShortcuts } from "./useShortcuts";
import { SubgraphBar } from "./SubgraphBar";
import { fitAll, fitOnLoad, MAX_ZOOM, MIN_ZOOM } from "./fit";
import { t } from "../i18n";

const CULL_ABOVE = 150;
const overviewSelector = (s: { transform: [number, number, number] }) => s.transform[2] < 0.12;
const MINIMAP_MAX = 500;
const proOptions = { hideAttribution: true };
const minimapColor = (n: GraphNode): string => (n.type === "group" ? "transparent" : n.type === "note" ? "#8a7d2c" : "#4a6fa5");

/** Nodes that reach `id` (upstream): a link from `id` into one of them would loop. */
function upstreamOf(id: string): Set<string> {
  const rev = new Map<string, string[]>();
  for (const e of useGraph.getState().edges) {
    const l = rev.get(e.target);
    if (l) l.push(e.source);
    else rev.set(e.target, [e.source]);
  }
  return downstreamSet(id, (n) => rev.get(n) ?? []);
}

export function Canvas() {
  const nodes = useGraph((s) => s.nodes);
  const edges = useGraph((s) => s.edges);
  const loadCount = useGraph((s) => s.loadCount);
  const prefs = useUI((s) => s.prefs);
  const flow = useReactFlow<GraphNode, GraphEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const groupDrag = useRef<{ id: string; start: { x: number; y: number }; children: Map<string, { x: number; y: number }> } | null>(null);

  useEffect(() => {
    const vp = useGraph.getState().viewport;
    if (vp) flow.setViewport(vp);
    else requestAnimationFrame(() => fitOnLoad(flow, useGraph.getState().nodes));
  }, [loadCount, flow]);

  const openSearchAt = useCallback((screen: { x: number; y: number }, from: LinkFrom | null = null) => {
    useUI.setState({ search: { screen, flow: flow.screenToFlowPosition(screen), from }, contextMenu: null });
  }, [flow]);

  const openSearchAtCenter = useCallback(() => {
    const r = wrapper.current?.getBoundingClientRect();
    openSearchAt({ x: (r?.left ?? 0) + (r?.width ?? 800) / 2 - 150, y: (r?.top ?? 0) + (r?.height ?? 600) / 3 });
  }, [openSearchAt]);
  useShortcuts(openSearchAtCenter);

  const onConnect = useCallback((c: Connection) => {
    const why = connect(c, defsNow());
    if (why) toast(why, "error");
  }, []);

  const isValidConnection = useCallback((c: Connection | import("@xyflow/react").Edge) => {
    const conn = useUI.getState().connecting;
    if (conn?.blocked.has(c.target) && conn.handleType === "source") return false;
    return refusal(c as Connection, defsNow()) === null;
  }, []);

  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    if (!p.nodeId || !p.handleId) return;
    const s = useGraph.getState();
    const node = s.nodes.find((n) => n.id === p.nodeId);
    const defs = defsNow();
    const source = p.handleType === "source";
    const type = source ? outputType(node, outSlot(p.handleId), defs) : inputType(node, inName(p.handleId), defs);
    const blocked = source ? upstreamOf(p.nodeId) : downstreamSet(p.nodeId, (id) => adjacency(s.edges).get(id) ?? []);
    useUI.setState({ connecting: { type, handleType: p.handleType ?? "source", nodeId: p.nodeId, blocked } });
  }, []);

  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    const conn = useUI.getState().connecting;
    useUI.setState({ connecting: null });
    const pt = "changedTouches" in event ? event.changedTouches[0] : event;
    const at = { x: pt.clientX, y: pt.clientY };
    if (state.toHandle && !state.isValid && state.fromHandle) {
      const c = state.fromHandle.type === "source"
        ? { source: state.fromHandle.nodeId, sourceHandle: state.fromHandle.id ?? null, target: state.toHandle.nodeId, targetHandle: state.toHandle.id ?? null }
        : { source: state.toHandle.nodeId, sourceHandle: state.toHandle.id ?? null, target: state.fromHandle.nodeId, targetHandle: state.fromHandle.id ?? null };
      toast(refusal(c, defsNow()) ?? t("connect.refused"), "error", at);
      return;
    }
    const target = event.target as Element | null;
    if (!state.toNode && conn && target?.classList.contains("react-flow__pane")) {
      openSearchAt(at, { nodeId: conn.nodeId, handleId: state.fromHandle?.id ?? "", handleType: conn.handleType, type: conn.type });
    }
  }, [openSearchAt]);

  const onNodeDragStart = useCallback((_: unknown, node: GraphNode) => {
    beginDrag();
    if (node.type === "group") {
      const ids = new Set(nodesInGroup(node));
      const children = new Map(useGraph.getState().nodes.filter((n) => ids.has(n.id) && !n.selected).map((n) => [n.id, { ...n.position }]));
      groupDrag.current = { id: node.id, start: { ...node.position }, children };
    }
  }, []);

  const onNodeDrag = useCallback((_: unknown, node: GraphNode) => {
    const g = groupDrag.current;
    if (!g || g.id !== node.id) return;
    const dx = node.position.x - g.start.x;
    const dy = node.position.y - g.start.y;
    onNodesChange([...g.children].map(([id, p]) => ({ type: "position", id, position: { x: p.x + dx, y: p.y + dy } })));
  }, []);

  const onNodeDragStop = useCallback((_: unknown, node: GraphNode, dragged: GraphNode[]) => {
    groupDrag.current = null;
    if (dragged.length <= 1 && node.type !== "group") dropOnLink(node.id, defsNow());
  }, []);

  const onMoveEnd = useCallback((_: unknown, vp: { x: number; y: number; zoom: number }) => setViewport(vp), []);

  const onDoubleClick = useCallback((e: React.MouseEvent) => {
    if ((e.target as Element).classList.contains("react-flow__pane")) openSearchAt({ x: e.clientX, y: e.clientY });
  }, [openSearchAt]);

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes("Files") || e.dataTransfer.types.includes("application/x-kg-node")) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback((e: React.DragEvent) => {
    const nodeType = e.dataTransfer.getData("application/x-kg-node");
    if (nodeType) {
      e.preventDefault();
      const def = useCatalogue.getState().defs[nodeType];
      if (def) addNode(def, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      return;
    }
    const file = e.dataTransfer.files?.[0];
    if (!file) return;
    e.preventDefault();
    void openFile(file);
  }, [flow]);

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (["INPUT", "TEXTAREA"].includes(t.tagName) || t.isContentEditable)) return;
      const file = [...(e.clipboardData?.files ?? [])][0];
      if (file && file.type.startsWith("image/")) {
        const sel = useGraph.getState().nodes.find((n) => n.selected && n.type === "graph");
        const up = sel?.type === "graph" ? defsNow()[sel.data.classType]?.inputs.find((i) => i.upload) : undefined;
        e.preventDefault();
        if (sel && up) void uploadInto(sel.id, up.name, file);
        else void openFile(file);
        return;
      }
      const text = e.clipboardData?.getData("text/plain");
      if (text && text.trim().startsWith("{") && openText(text)) {
        e.preventDefault();
        localStorage.removeItem("kg.clipboard");
      }
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, []);

  const snapGrid = useMemo<[number, number]>(() => [prefs.gridSize, prefs.gridSize], [prefs.gridSize]);
  // Culling pays while only part of a big graph is on screen; zoomed out far enough to see
  // most of it, the per-frame visibility pass over every node costs more than it saves.
  const overview = useStore(overviewSelector);
  const big = nodes.length > CULL_ABOVE && !overview;
  const background = prefs.background === "wallpaper" && prefs.wallpaper ? { backgroundImage: `url("${prefs.wallpaper}")` } : undefined;

  return (
    <div
      className={`kg-canvas bg-${prefs.background}${overview && nodes.length > CULL_ABOVE ? " overview" : ""}`}
      ref={wrapper}
      style={background}
      onDoubleClick={onDoubleClick}
      onDragOver={onDragOver}
      onDrop={onDrop}
      data-testid="canvas"
    >
      <ReactFlow<GraphNode, GraphEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={onNodeDragStart}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        onMoveEnd={onMoveEnd}
        onPaneClick={() => useUI.setState({ contextMenu: null })}
        zoomOnDoubleClick={false}
        snapToGrid={prefs.snap}
        snapGrid={snapGrid}
        onlyRenderVisibleElements={big}
        minZoom={MIN_ZOOM}
        maxZoom={MAX_ZOOM}
        connectionRadius={30}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Control", "Meta"]}
        deleteKeyCode={null}
        proOptions={proOptions}
        colorMode={prefs.theme}
        ariaLabelConfig={{ "node.a11yDescription.default": t("canvas.nodeA11y") }}
      >
        {prefs.background === "grid" && <Background variant={BackgroundVariant.Dots} gap={prefs.gridSize} size={1.2} />}
        {prefs.minimap && nodes.length <= MINIMAP_MAX && <MiniMap pannable zoomable ariaLabel={t("canvas.minimap")} nodeColor={minimapColor} nodeStrokeColor={minimapColor} />}
        <Controls showInteractive={false} showFitView={false} aria-label={t("canvas.zoomControls")}>
          <ControlButton onClick={() => fitAll(flow, useGraph.getState().nodes, 200)} aria-label={t("canvas.fitView")} title={t("canvas.fitViewKey")}>⤢</ControlButton>
        </Controls>
      </ReactFlow>
      <SubgraphBar />
    </div>
  );
}
