/**
 * Node names and descriptions translated by packs (ComfyUI's `locales/<lang>/nodeDefs.json`,
 * served merged by GET /i18n): display_name, description and input tooltips replace the
 * catalogue's for the chosen language; anything a pack does not translate stays as it is.
 */
import type { NodeDefs } from "./types";

export interface NodeLocale {
  display_name?: unknown;
  description?: unknown;
  inputs?: Record<string, { tooltip?: unknown } | undefined>;
}

export type PackLocales = Record<string, { nodeDefs?: Record<string, NodeLocale> } | undefined>;

/** The pack table for a UI language ("zh" also matches ComfyUI's "zh-CN"). */
export function tableFor(all: PackLocales, lang: string): Record<string, NodeLocale> {
  return all[lang]?.nodeDefs ?? all[lang === "zh" ? "zh-CN" : lang]?.nodeDefs ?? {};
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : undefined);

export function localiseDefs(defs: NodeDefs, table: Record<string, NodeLocale>): NodeDefs {
  if (!Object.keys(table).length) return defs;
  const out: NodeDefs = {};
  for (const [name, def] of Object.entries(defs)) {
    const loc = table[name];
    if (!loc || typeof loc !== "object") {
      out[name] = def;
      continue;
    }
    out[name] = {
      ...def,
      displayName: text(loc.display_name) ?? def.displayName,
      description: text(loc.description) ?? def.description,
      inputs: def.inputs.map((i) => {
        const tip = text(loc.inputs?.[i.name]?.tooltip);
        return tip ? { ...i, tooltip: tip } : i;
      }),
    };
  }
  return out;
}
