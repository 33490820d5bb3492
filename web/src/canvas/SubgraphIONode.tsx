/** Inside an open subgraph: its input node (the subgraph's inputs, as outputs to the
 * nodes inside) or its output node (what leaves the subgraph, as inputs). */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { inHandle, outHandle, type SubgraphIOData } from "../graph/types";
import { typeColor } from "./type-colors";
import { NEW_SLOT } from "../graph/subgraph";
import { t } from "../i18n";

function SubgraphIONodeView({ id, data }: NodeProps<Node<SubgraphIOData, "sgio">>) {
  const input = data.dir === "in";
  return (
    <div className={`kg-node kg-sgio ${input ? "in" : "out"}`} data-testid={`node-${id}`}>
      <header className="kg-node-header">
        <span className="kg-title">{input ? t("subgraph.inputs") : t("subgraph.outputs")}</span>
      </header>
      <div className="kg-node-body">
        {data.slots.map((s, i) => (
          <div className="kg-row" key={i}>
            {input ? (
              <div className="kg-out">
                <span className="kg-socket-label">{s.name}</span>
                <Handle type="source" position={Position.Right} id={outHandle(i)} className="kg-handle" style={{ "--c": typeColor(s.type) } as React.CSSProperties}
                  data-socket-type={s.type} aria-label={t("node.outputSocket", { name: s.name, type: s.type, id })} title={`${s.name}: ${s.type}`} />
              </div>
            ) : (
              <div className="kg-in">
                <Handle type="target" position={Position.Left} id={inHandle(s.name)} className="kg-handle" style={{ "--c": typeColor(s.type) } as React.CSSProperties}
                  data-socket-type={s.type} aria-label={t("node.inputSocket", { name: s.name, type: s.type, id })} title={`${s.name}: ${s.type}`} />
                <span className="kg-socket-label">{s.name}</span>
              </div>
            )}
          </div>
        ))}
        {/* A free slot: linking it adds an input or output to the subgraph. */}
        <div className="kg-row kg-sgio-new">
          {input ? (
            <div className="kg-out">
              <span className="kg-socket-label">{t("subgraph.newSlot")}</span>
              <Handle type="source" position={Position.Right} id={outHandle(data.slots.length)} className="kg-handle optional" aria-label={t("subgraph.newInput")} title={t("subgraph.newInput")} />
            </div>
          ) : (
            <div className="kg-in">
              <Handle type="target" position={Position.Left} id={inHandle(NEW_SLOT)} className="kg-handle optional" aria-label={t("subgraph.newOutput")} title={t("subgraph.newOutput")} />
              <span className="kg-socket-label">{t("subgraph.newSlot")}</span>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

export const SubgraphIONode = memo(SubgraphIONodeView);
