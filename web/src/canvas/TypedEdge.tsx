/** A bezier link coloured by its socket type. */
import { BaseEdge, getBezierPath, type Edge, type EdgeProps, type EdgeTypes } from "@xyflow/react";
import { memo } from "react";
import type { EdgeData } from "../graph/types";
import { typeColor } from "./type-colors";

function TypedEdgeView(p: EdgeProps<Edge<EdgeData>>) {
  const [path] = getBezierPath(p);
  return <BaseEdge id={p.id} path={path} style={{ stroke: typeColor(p.data?.type ?? "*"), strokeWidth: p.selected ? 3 : 2 }} interactionWidth={12} />;
}

export const TypedEdge = memo(TypedEdgeView);
export const edgeTypes: EdgeTypes = { default: TypedEdge } as EdgeTypes;
