/**
 * The node search box (double-click on empty canvas, Tab or /, or a link dropped on
 * empty canvas): fuzzy over name, class, category and types; arrows move, Enter
 * inserts at the point where it opened (wired to the dragged link), Esc closes.
 */
import { useEffect, useMemo, useState } from "react";
import { searchNodes } from "../graph/search";
import type { NodeDef } from "../graph/types";
import { countUse, useCatalogue } from "../store/catalogue-store";
import { addHelperNode, addNode } from "../store/graph-store";
import { useUI } from "../store/ui-store";
import { typeColor } from "./type-colors";
import { t, type MessageKey } from "../i18n";
import { listKeys } from "./list-keys";

function Sockets({ def }: { def: NodeDef }) {
  const ins = def.inputs.filter((i) => !i.widget);
  return (
    <span className="kg-search-sockets" aria-hidden="true">
      {ins.map((i) => (
        <i key={i.name} style={{ background: typeColor(i.type) }} title={i.type} />
      ))}
      {ins.length > 0 && "→"}
      {def.outputs.map((o, n) => (
        <i key={n} style={{ background: typeColor(o.type) }} title={o.type} />
      ))}
      <small>{def.outputs.map((o) => o.type).join(", ")}</small>
    </span>
  );
}

interface Helper {
  kind: "reroute" | "Note" | "MarkdownNote";
  label: MessageKey;
  match: string[];
}
type Item = Helper | NodeDef;
const HELPERS: Helper[] = [
  { kind: "reroute", label: "search.reroute", match: ["reroute", "reroute node"] },
  { kind: "Note", label: "search.note", match: ["note"] },
  { kind: "MarkdownNote", label: "search.markdownNote", match: ["markdown", "markdownnote", "md note"] },
];
const itemKey = (i: Item): string => ("kind" in i ? `helper-${i.kind}` : i.name);

export function SearchBox() {
  const search = useUI((s) => s.search);
  const defs = useCatalogue((s) => s.defs);
  const usage = useCatalogue((s) => s.usage);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  useEffect(() => {
    setQuery("");
    setActive(0);
  }, [search]);
  const from = search?.from ?? null;
  const results = useMemo(
    () =>
      search
        ? searchNodes(defs, query, {
            usage,
            inputType: from?.handleType === "source" ? from.type : undefined,
            outputType: from?.handleType === "target" ? from.type : undefined,
            limit: 40,
          })
        : [],
    [defs, query, usage, from, search],
  );
  const q = query.trim().toLowerCase();
  // Canvas helpers (not server nodes): a reroute, a note, a Markdown note.
  const helpers = HELPERS.filter((h) => q && (h.match.some((m) => m.startsWith(q) || q.startsWith(m)) || t(h.label).toLowerCase().includes(q)))
    .filter((h) => h.kind === "reroute" || !from);
  const items: Item[] = [...helpers, ...results];
  if (!search) return null;
  const close = () => useUI.setState({ search: null });
  const choose = (item: Item) => {
    if ("kind" in item) addHelperNode(item.kind, search.flow, search.from);
    else {
      addNode(item, search.flow, search.from);
      countUse(item.name);
    }
    close();
  };
  const left = Math.min(search.screen.x, window.innerWidth - 380);
  const top = Math.min(search.screen.y, window.innerHeight - 420);
  return (
    <div className="kg-search" style={{ left, top }} role="dialog" aria-label={t("search.dialog")}>
      <input
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="kg-search-results"
        aria-activedescendant={items[active] ? `kg-search-${itemKey(items[active])}` : undefined}
        aria-label={t("search.label")}
        placeholder={from ? t(from.handleType === "source" ? "search.accepting" : "search.producing", { type: from.type }) : t("search.placeholder")}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={(e) => {
          if (!e.relatedTarget || !(e.currentTarget.parentElement?.contains(e.relatedTarget as Node))) setTimeout(close, 150);
        }}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (!listKeys(e.key, items, active, setActive, choose, close)) return;
          e.preventDefault();
        }}
      />
      {from && <div className="kg-search-filter">{t(from.handleType === "source" ? "search.filterInput" : "search.filterOutput")} <b>{from.type}</b></div>}
      <ul id="kg-search-results" role="listbox">
        {items.map((def, i) => (
          <li
            key={itemKey(def)}
            id={`kg-search-${itemKey(def)}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : ""}
            onPointerDown={(e) => e.preventDefault()}
            onClick={() => choose(def)}
            onMouseEnter={() => setActive(i)}
          >
            {"kind" in def ? (
              <>
                <span className="kg-search-name">{t(def.label)}</span>
                <span className="kg-search-cat">{t("search.helper")}</span>
              </>
            ) : (
              <>
                <span className="kg-search-name">{def.displayName}</span>
                <span className="kg-search-cat">{def.category}</span>
                <Sockets def={def} />
              </>
            )}
          </li>
        ))}
        {!items.length && <li className="empty">{t("search.none")}</li>}
      </ul>
    </div>
  );
}
