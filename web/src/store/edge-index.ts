/**
 * Derived edge indexes, computed once per edges array (WeakMap-cached), so that each
 * node's selector is O(1) instead of scanning every edge on every store change.
 */
import type { GraphEdge } from "../graph/types";

const linkedCache = new WeakMap<readonly GraphEdge[], Map<string, string>>();

/** node id → its linked input handle ids, joined with "|" (a stable string for selectors). */
export function linkedInputs(edges: readonly GraphEdge[]): Map<string, string> {
  let m = linkedCache.get(edges);
  if (!m) {
    const sets = new Map<string, string[]>();
    for (const e of edges) {
      const list = sets.get(e.target);
      if (list) list.push(e.targetHandle ?? "");
      else sets.set(e.target, [e.targetHandle ?? ""]);
    }
    m = new Map([...sets].map(([k, v]) => [k, v.sort().join("|")]));
    linkedCache.set(edges, m);
  }
  return m;
}
