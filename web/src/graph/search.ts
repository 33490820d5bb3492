/**
 * Fuzzy node search over display name, class name and category (and socket types when
 * a type filter is given). Subsequence matching with bonuses for word starts and
 * contiguous runs; frequently used nodes can be boosted. Pure and allocation-light.
 */
import { canConnect } from "./compat";
import type { NodeDef, NodeDefs } from "./types";

/** Score of `query` as a subsequence of `text` (higher is better), or -1 for no match. */
export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  if (!q) return 0;
  const exact = t.indexOf(q);
  if (exact >= 0) return 100 - exact + (exact === 0 ? 50 : 0) + (t.length === q.length ? 50 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (let qi = 0; qi < q.length; qi++) {
    const c = q[qi];
    if (c === " ") continue;
    const found = t.indexOf(c, ti);
    if (found < 0) return -1;
    const wordStart = found === 0 || /[\s/_\-.]/.test(t[found - 1]) || (text[found] >= "A" && text[found] <= "Z");
    run = found === ti ? run + 1 : 0;
    score += 1 + (wordStart ? 4 : 0) + run * 2 - Math.min(found - ti, 5) * 0.2;
    ti = found + 1;
  }
  return score;
}

export interface SearchOptions {
  /** Only nodes with an input accepting this type. */
  inputType?: string;
  /** Only nodes with an output fitting this type. */
  outputType?: string;
  /** Use counts by class name, to rank frequently used nodes first. */
  usage?: Record<string, number>;
  limit?: number;
}

export function searchNodes(defs: NodeDefs, query: string, opts: SearchOptions = {}): NodeDef[] {
  const out: { def: NodeDef; score: number }[] = [];
  const words = query.trim().split(/\s+/).filter(Boolean);
  for (const def of Object.values(defs)) {
    if (opts.inputType && !def.inputs.some((i) => canConnect(opts.inputType!, i.type))) continue;
    if (opts.outputType && !def.outputs.some((o) => canConnect(o.type, opts.outputType!))) continue;
    let total = 0;
    let ok = true;
    for (const w of words) {
      const s = Math.max(
        fuzzyScore(w, def.displayName) * 1.2,
        fuzzyScore(w, def.name),
        fuzzyScore(w, def.category) * 0.6,
        fuzzyScore(w, [...def.inputs.map((i) => i.type), ...def.outputs.map((o) => o.type)].join(" ")) * 0.4,
      );
      if (s < 0) {
        ok = false;
        break;
      }
      total += s;
    }
    if (!ok) continue;
    total += Math.log2(1 + (opts.usage?.[def.name] ?? 0)) * 3;
    out.push({ def, score: total });
  }
  out.sort((a, b) => b.score - a.score || a.def.displayName.localeCompare(b.def.displayName));
  return out.slice(0, opts.limit ?? 50).map((o) => o.def);
}
