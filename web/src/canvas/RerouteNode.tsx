/** A reroute dot: one input, one output, passing its link through. */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { RerouteData } from "../graph/types";
import { typeColor } from "./type-colors";
import { t } from "../i18n";

function RerouteNodeView({ data }: NodeProps<Node<RerouteData, "reroute">>) {
  const style = { "--c": typeColor(data.type) } as React.CSSProperties;
  return (
    <div className="kg-reroute" title={t("reroute.title", { type: data.type })}>
      <Handle type="target" position={Position.Left} id="in-" className="kg-handle" style={style} aria-label={t("reroute.input")} />
      <Handle type="source" position={Position.Right} id="out-0" className="kg-handle" style={style} aria-label={t("reroute.output")} />
    </div>
  );
}

export const RerouteNode = memo(RerouteNodeView);
