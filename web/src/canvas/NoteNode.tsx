/**
 * A note: plain text, or Markdown (shown rendered until selected, then edited in place).
 * Markdown becomes React elements from graph/markdown.ts: never inserted as HTML.
 */
import { NodeResizer, type Node, type NodeProps } from "@xyflow/react";
import { memo, type ReactNode } from "react";
import { parseMarkdown, type Inline } from "../graph/markdown";
import type { NoteData } from "../graph/types";
import { t } from "../i18n";
import { updateNode } from "../store/graph-store";

function inline(parts: Inline[]): ReactNode[] {
  return parts.map((p, i) =>
    p.kind === "bold" ? <strong key={i}>{p.text}</strong>
      : p.kind === "em" ? <em key={i}>{p.text}</em>
      : p.kind === "code" ? <code key={i}>{p.text}</code>
      : p.kind === "link" ? <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">{p.text}</a>
      : p.text,
  );
}

function Markdown({ text }: { text: string }) {
  return (
    <div className="kg-markdown nowheel">
      {parseMarkdown(text).map((b, i) => {
        if (b.kind === "heading") return b.level === 1 ? <h3 key={i}>{inline(b.inline)}</h3> : <h4 key={i}>{inline(b.inline)}</h4>;
        if (b.kind === "code") return <pre key={i}><code>{b.text}</code></pre>;
        if (b.kind === "list") {
          const items = b.items.map((it, j) => <li key={j}>{inline(it)}</li>);
          return b.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
        }
        return <p key={i}>{inline(b.inline)}</p>;
      })}
    </div>
  );
}

function NoteNodeView({ id, data, selected }: NodeProps<Node<NoteData, "note">>) {
  const markdown = data.classType === "MarkdownNote";
  return (
    <div className={`kg-note${markdown ? " markdown" : ""}`}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={60} />
      <div className="kg-note-title">{t(markdown ? "search.markdownNote" : "note.title")}</div>
      {markdown && !selected && data.text ? (
        <Markdown text={data.text} />
      ) : (
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
      )}
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
