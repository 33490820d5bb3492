/** Find in graph (Ctrl+F): nodes by title, type or id; arrows pick, Enter jumps to and selects one, Esc closes. */
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { findNodes } from "../graph/edit-ops";
import { nodeSize } from "../graph/node-factory";
import type { GraphEdge, GraphNode } from "../graph/types";
import { t } from "../i18n";
import { listKeys } from "./list-keys";
import { useCatalogue } from "../store/catalogue-store";
import { selectOnly, useGraph } from "../store/graph-store";
import { useUI } from "../store/ui-store";

export function FindBox() {
  const open = useUI((s) => s.find);
  const nodes = useGraph((s) => s.nodes);
  const defs = useCatalogue((s) => s.defs);
  const flow = useReactFlow<GraphNode, GraphEdge>();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const titleOf = (n: GraphNode) => (n.type === "graph" ? n.data.title || defs[n.data.classType]?.displayName || n.data.classType : n.type === "note" ? n.data.text.slice(0, 40) : "");
  const found = useMemo(() => (open ? findNodes(nodes, query, titleOf).slice(0, 30) : []), [open, nodes, query, defs]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!open) return null;
  const close = () => useUI.setState({ find: false });
  const jump = (n: GraphNode) => {
    const size = nodeSize(n);
    void flow.setCenter(n.position.x + size.width / 2, n.position.y + size.height / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 200 });
    selectOnly(n.id);
    close();
  };
  return (
    <div className="kg-find" role="dialog" aria-label={t("find.title")}>
      <input
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="kg-find-results"
        aria-label={t("find.title")}
        placeholder={t("find.placeholder")}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (!listKeys(e.key, found, active, setActive, jump, close)) return;
          e.preventDefault();
          e.stopPropagation();
        }}
      />
      <ul role="listbox" id="kg-find-results">
        {found.map((n, i) => (
          <li key={n.id} role="option" aria-selected={i === active} className={i === active ? "active" : ""} onClick={() => jump(n)}>
            <span className="kg-find-id">#{n.id}</span> {titleOf(n)} <small>{n.type === "graph" ? n.data.classType : ""}</small>
          </li>
        ))}
        {query && !found.length && <li className="empty">{t("find.none")}</li>}
      </ul>
    </div>
  );
}
