/** The node catalogue from /object_info, plus per-type use counts for search ranking. */
import { create } from "zustand";
import { fetchNodeDefs } from "../api/nodes";
import type { NodeDefs } from "../graph/types";

interface Catalogue {
  defs: NodeDefs;
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

export const useCatalogue = create<Catalogue>(() => ({ defs: {}, loaded: false, error: null, usage: loadUsage() }));

export async function loadCatalogue(): Promise<NodeDefs> {
  try {
    const defs = await fetchNodeDefs();
    useCatalogue.setState({ defs, loaded: true, error: null });
    return defs;
  } catch (e) {
    useCatalogue.setState({ error: (e as Error).message, loaded: true });
    return {};
  }
}

export function countUse(name: string): void {
  const usage = { ...useCatalogue.getState().usage, [name]: (useCatalogue.getState().usage[name] ?? 0) + 1 };
  useCatalogue.setState({ usage });
  localStorage.setItem("kg.usage", JSON.stringify(usage));
}

export const defsNow = (): NodeDefs => useCatalogue.getState().defs;
