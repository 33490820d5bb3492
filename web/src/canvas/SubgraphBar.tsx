/** The breadcrumb shown while a subgraph is open: the root graph, each open subgraph,
 * and a Back button (Backspace with nothing selected is not used: Delete owns it). */
import { leaveSubgraph, useGraph } from "../store/graph-store";
import { t } from "../i18n";

export function SubgraphBar() {
  const names = useGraph((s) => s.frames.map((f) => f.name).join("\u0000"));
  if (!names) return null;
  const levels = names.split("\u0000");
  return (
    <nav className="kg-subgraph-bar" aria-label={t("subgraph.breadcrumb")}>
      <button type="button" className="kg-subgraph-back" onClick={() => leaveSubgraph()} title={t("subgraph.backTip")}>
        ← {t("subgraph.back")}
      </button>
      <ol>
        <li><button type="button" onClick={() => leaveSubgraph(0)}>{t("subgraph.root")}</button></li>
        {levels.map((name, i) => (
          <li key={i}>
            {i === levels.length - 1 ? <span aria-current="page">{name}</span> : <button type="button" onClick={() => leaveSubgraph(i + 1)}>{name}</button>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
