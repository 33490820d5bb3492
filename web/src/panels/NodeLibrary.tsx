/** Every node of /object_info by category; filter box; click (or Enter) adds at the view centre, or drag onto the canvas. */
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { categoryTree, type CategoryTree } from "../graph/object-info";
import { searchNodes } from "../graph/search";
import type { NodeDef } from "../graph/types";
import { countUse, useCatalogue } from "../store/catalogue-store";
import { addNode } from "../store/graph-store";
import { t } from "../i18n";

function Item({ def, add }: { def: NodeDef; add: (d: NodeDef) => void }) {
  return (
    <li>
      <button
        className="kg-lib-node"
        draggable
        onDragStart={(e) => {
          e.dataTransfer.setData("application/x-kg-node", def.name);
          e.dataTransfer.effectAllowed = "copy";
        }}
        onClick={() => add(def)}
        title={def.description || def.name}
        data-node-type={def.name}
      >
        {def.displayName}
      </button>
    </li>
  );
}

function Category({ tree, add, depth }: { tree: CategoryTree; add: (d: NodeDef) => void; depth: number }) {
  return (
    <details open={depth < 1} className="kg-lib-cat">
      <summary>{tree.name}</summary>
      <ul>
        {tree.children.map((c) => (
          <li key={c.path}>
            <Category tree={c} add={add} depth={depth + 1} />
          </li>
        ))}
        {tree.nodes.map((d) => (
          <Item key={d.name} def={d} add={add} />
        ))}
      </ul>
    </details>
  );
}

export function NodeLibrary() {
  const defs = useCatalogue((s) => s.defs);
  const error = useCatalogue((s) => s.error);
  const [filter, setFilter] = useState("");
  const flow = useReactFlow();
  const tree = useMemo(() => categoryTree(defs), [defs]);
  const found = useMemo(() => (filter ? searchNodes(defs, filter, { limit: 100 }) : []), [defs, filter]);
  const add = (def: NodeDef) => {
    const r = document.querySelector(".kg-canvas")?.getBoundingClientRect();
    const jitter = (Math.random() - 0.5) * 60;
    const at = flow.screenToFlowPosition({ x: (r?.left ?? 0) + (r?.width ?? 800) / 2 - 130 + jitter, y: (r?.top ?? 0) + (r?.height ?? 600) / 2 - 60 + jitter });
    addNode(def, at);
    countUse(def.name);
  };
  return (
    <div className="kg-library">
      <h2>{t("library.title")}</h2>
      <input type="search" placeholder={t("library.filterPh")} aria-label={t("library.filter")} value={filter} onChange={(e) => setFilter(e.target.value)} />
      {error && <p className="kg-error">{t("library.error", { error })}</p>}
      {filter ? (
        <ul className="kg-lib-flat">
          {found.map((d) => (
            <Item key={d.name} def={d} add={add} />
          ))}
        </ul>
      ) : (
        <ul className="kg-lib-tree">
          {tree.children.map((c) => (
            <li key={c.path}>
              <Category tree={c} add={add} depth={0} />
            </li>
          ))}
          {tree.nodes.map((d) => (
            <Item key={d.name} def={d} add={add} />
          ))}
        </ul>
      )}
    </div>
  );
}
