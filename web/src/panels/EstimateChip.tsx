/** Beside Run: what running the active graph will cost (POST /api/prompt/estimate), asked
 * again a moment after the graph stops changing. Hidden when the graph has no paid node. */
import { useEffect, useState } from "react";
import { costLines, estimatePrompt, formatTotal, type Estimate } from "../api/spend";
import { toPrompt } from "../graph/prompt";
import { hasSubgraphs } from "../graph/workflow";
import { useT } from "../i18n";
import { useCatalogue } from "../store/catalogue-store";
import { useGraph } from "../store/graph-store";
import { useRuntimeStore } from "../store/runtime-store";

const SETTLE_MS = 600;

export function EstimateChip() {
  const tr = useT();
  const nodes = useGraph((s) => s.nodes);
  const edges = useGraph((s) => s.edges);
  const defs = useCatalogue((s) => s.defs);
  const running = useRuntimeStore((s) => s.running);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      if (!nodes.length || hasSubgraphs(nodes)) {
        setEstimate(null);
        return;
      }
      // An invalid or unconvertible graph has no estimate; Run says why.
      let asking: Promise<Estimate>;
      try {
        asking = estimatePrompt(toPrompt({ nodes, edges }, defs));
      } catch {
        setEstimate(null);
        return;
      }
      asking.then((answer) => live && setEstimate(answer)).catch(() => live && setEstimate(null));
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [nodes, edges, defs, running]);
  if (!estimate || !Object.keys(estimate.nodes).length) return null;
  const total = formatTotal(estimate.total) || formatTotal({ [Object.values(estimate.nodes)[0]?.currency ?? "USD"]: 0 });
  const unknown = estimate.unknown.length > 0;
  const tip = [tr("cost.tip"), ...costLines(estimate, tr("cost.unknown"))].join("\n");
  return (
    <span className={`kg-estimate${unknown ? " unknown" : ""}`} data-testid="estimate" title={tip}>
      ≈ {total}
      {unknown ? ` + ${tr("cost.unknown")}` : ""}
    </span>
  );
}
