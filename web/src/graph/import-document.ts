/**
 * Loading whatever a person drops or pastes: a UI workflow (0.4 or 1), an API prompt,
 * a POST /prompt body, or an image carrying either (the `workflow` text preferred,
 * then `prompt`). Returns the canvas graph plus warnings; throws with a readable
 * message when the document is none of these.
 */
import { readImageMetadata } from "./image-metadata";
import { fromPrompt, isApiPrompt } from "./prompt";
import type { NodeDefs } from "./types";
import { isUIWorkflow, loadWorkflow, type LoadResult } from "./workflow-load";
import { t } from "../i18n/translate";

export function importDocument(doc: unknown, defs: NodeDefs): LoadResult {
  if (isUIWorkflow(doc)) return loadWorkflow(doc, defs);
  if (doc && typeof doc === "object" && isApiPrompt((doc as { prompt?: unknown }).prompt)) {
    doc = (doc as { prompt: unknown }).prompt;
  }
  if (isApiPrompt(doc)) {
    const g = fromPrompt(doc, defs);
    const warnings = g.missingTypes.length ? [`Missing node types: ${g.missingTypes.join(", ")}`] : [];
    return { nodes: g.nodes, edges: g.edges, missingTypes: g.missingTypes, warnings };
  }
  throw new Error(t("file.unknownDoc"));
}

export function importText(text: string, defs: NodeDefs): LoadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(t("file.badJson", { error: (e as Error).message }));
  }
  return importDocument(doc, defs);
}

export function importImage(bytes: Uint8Array, defs: NodeDefs): LoadResult {
  const meta = readImageMetadata(bytes);
  for (const key of ["workflow", "Workflow", "prompt"]) {
    if (!meta[key]) continue;
    try {
      return importText(meta[key], defs);
    } catch {
      // A damaged workflow text may still leave a usable prompt.
    }
  }
  throw new Error(t("file.noWorkflow"));
}
