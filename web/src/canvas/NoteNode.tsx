/** A note: plain text (never rendered as HTML), edited in place. */
import { NodeResizer, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { NoteData } from "../graph/types";
import { updateNode } from "../store/graph-store";
import { t } from "../i18n";

function NoteNodeView({ id, data, selected }: NodeProps<Node<NoteData, "note">>) {
  return (
    <div className="kg-note">
      <NodeResizer isVisible={selected} minWidth={120} minHeight={60} />
      <div className="kg-note-title">{t("note.title")}</div>
      <textarea
        className="nodrag nowheel"
        aria-label={t("note.text")}
        value={data.text}
        onKeyDown={(e) => e.stopPropagation()}
        onChange={(e) => {
          const text = e.target.value;
          updateNode(id, (n) => (n.type === "note" ? { ...n, data: { ...n.data, text } } : n), `note:${id}`);
        }}
      />
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
