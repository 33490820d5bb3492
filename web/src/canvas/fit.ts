/**
 * Fitting the view to nodes by their known or estimated sizes (React Flow's fitView only
 * counts nodes it has measured, and with culling most large-graph nodes never mount).
 */
import type { ReactFlowInstance } from "@xyflow/react";
import { boundsOf } from "../graph/node-factory";
import type { GraphEdge, GraphNode } from "../graph/types";

/** The canvas's zoom range: low enough to show 3,000 nodes whole, high enough for detail. */
export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 8;

/** The viewport that shows `b` whole in a `w`×`h` pane, never zoomed in past 100%. */
export function fitViewport(b: { x: number; y: number; width: number; height: number }, w: number, h: number, padding = 0.08): { x: number; y: number; zoom: number } {
  const zoom = Math.max(MIN_ZOOM, Math.min(1, (w * (1 - 2 * padding)) / Math.max(1, b.width), (h * (1 - 2 * padding)) / Math.max(1, b.height)));
  return { x: w / 2 - (b.x + b.width / 2) * zoom, y: h / 2 - (b.y + b.height / 2) * zoom, zoom };
}

export function fitAll(flow: ReactFlowInstance<GraphNode, GraphEdge>, nodes: readonly GraphNode[], duration = 0): void {
  const b = boundsOf(nodes);
  const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
  if (b && pane) void flow.setViewport(fitViewport(b, pane.width, pane.height), { duration });
}

/** The opening view: everything when it is small; a legible corner of a big graph. */
export function fitOnLoad(flow: ReactFlowInstance<GraphNode, GraphEdge>, nodes: readonly GraphNode[]): void {
  if (nodes.length <= 300) {
    const b = boundsOf(nodes);
    if (b) void flow.fitBounds(b, { padding: 0.08 }).then(() => { if (flow.getZoom() > 1) flow.zoomTo(1); });
    return;
  }
  const sorted = [...nodes].sort((a, b) => a.position.y + a.position.x - (b.position.y + b.position.x)).slice(0, 24);
  const b = boundsOf(sorted)!;
  void flow.fitBounds(b, { padding: 0.05 });
}
