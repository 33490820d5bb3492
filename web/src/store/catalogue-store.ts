/** The node catalogue from /object_info, plus per-type use counts for search ranking. */
import { createStore } from "zustand";
import { scoped } from "./scope";
import { fetchNodeDefs, fetchPackLocales } from "../api/nodes";
import { localiseDefs, tableFor, type PackLocales } from "../graph/node-locales";
import type { NodeDefs } from "../graph/types";

interface Catalogue {
  defs: NodeDefs;
  /** The catalogue as the server describes it, and the packs' translations (GET /i18n). */
  raw: NodeDefs;
  locales: PackLocales;
  loaded: boolean;
  error: string | null;
  usage: Record<string, number>;
}

function loadUsage(): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem("kg.usage") ?? "{}");
  } catch {
    return {};
  }
}

export const createCatalogueStore = () => createStore<Catalogue>()(() => ({ defs: {}, raw: {}, locales: {}, loaded: false, error: null, usage: loadUsage() }));
export const useCatalogue = scoped("catalogue", createCatalogueStore);

/** Load /object_info and the packs' translations; node names follow the UI language `lang`. */
export async function loadCatalogue(lang: string): Promise<NodeDefs> {
  try {
    const [raw, locales] = await Promise.all([fetchNodeDefs(), fetchPackLocales().catch(() => ({}))]);
    const defs = localiseDefs(raw, tableFor(locales, lang));
    useCatalogue.setState({ defs, raw, locales, loaded: true, error: null });
    return defs;
  } catch (e) {
    useCatalogue.setState({ error: (e as Error).message, loaded: true });
    return {};
  }
}

/** Re-apply the packs' translations after a language switch. */
export function localiseCatalogue(lang: string): void {
  const s = useCatalogue.getState();
  useCatalogue.setState({ defs: localiseDefs(s.raw, tableFor(s.locales, lang)) });
}

export function countUse(name: string): void {
  const usage = { ...useCatalogue.getState().usage, [name]: (useCatalogue.getState().usage[name] ?? 0) + 1 };
  useCatalogue.setState({ usage });
  localStorage.setItem("kg.usage", JSON.stringify(usage));
}

export const defsNow = (): NodeDefs => useCatalogue.getState().defs;
