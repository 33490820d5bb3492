/** A titled frame around nodes; resizable; its contents move with it (see Canvas drag). */
import { NodeResizer, type Node, type NodeProps } from "@xyflow/react";
import { memo, useState } from "react";
import type { GroupData } from "../graph/types";
import { updateNode } from "../store/graph-store";
import { t } from "../i18n";

function GroupNodeView({ id, data, selected }: NodeProps<Node<GroupData, "group">>) {
  const [editing, setEditing] = useState(false);
  return (
    <div className="kg-group" style={data.color ? ({ "--group-color": data.color } as React.CSSProperties) : undefined} data-testid={`group-${id}`}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={80} lineClassName="kg-group-resize" />
      {editing ? (
        <input
          className="kg-group-title nodrag"
          autoFocus
          aria-label={t("group.title")}
          defaultValue={data.title}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === "Enter" || e.key === "Escape") (e.target as HTMLInputElement).blur();
          }}
          onBlur={(e) => {
            const title = e.target.value.trim() || "Group";
            updateNode(id, (n) => (n.type === "group" ? { ...n, data: { ...n.data, title } } : n));
            setEditing(false);
          }}
        />
      ) : (
        <div className="kg-group-title" onDoubleClick={() => setEditing(true)}>
          {data.title}
        </div>
      )}
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
