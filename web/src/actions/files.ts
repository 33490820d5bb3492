/**
 * Opening and saving: dropped or pasted files (workflow JSON, API JSON, PNG/WebP with
 * metadata), server workflows, templates, and exports. Parsing runs before any state
 * changes; a failure is reported and changes nothing.
 */
import { getTemplate, getWorkflow, saveWorkflow, type TemplateEntry } from "../api/workflows";
import { importDocument, importImage, importText } from "../graph/import-document";
import { withHandles } from "../graph/node-factory";
import { toPrompt } from "../graph/prompt";
import type { LoadResult } from "../graph/workflow-load";
import { defsNow } from "../store/catalogue-store";
import { loadGraph, updateTab, useGraph } from "../store/graph-store";
import { toast } from "../store/ui-store";
import { currentWorkflow } from "./run";

function report(r: LoadResult): void {
  for (const w of r.warnings) toast(w, "warn");
}

export function openResult(r: LoadResult, title: string, savedName: string | null = null): void {
  loadGraph({ nodes: withHandles(r.nodes, defsNow()), edges: r.edges, viewport: r.viewport }, { title, savedName });
  report(r);
}

export async function openFile(file: File): Promise<boolean> {
  const base = file.name.replace(/\.(json|png|webp)$/i, "");
  try {
    if (/\.(png|webp)$/i.test(file.name) || file.type === "image/png" || file.type === "image/webp") {
      openResult(importImage(new Uint8Array(await file.arrayBuffer()), defsNow()), base);
    } else {
      openResult(importText(await file.text(), defsNow()), base);
    }
    return true;
  } catch (e) {
    toast(`${file.name}: ${(e as Error).message}`, "error");
    return false;
  }
}

export function openText(text: string, title = "Pasted"): boolean {
  try {
    openResult(importText(text, defsNow()), title);
    return true;
  } catch {
    return false;
  }
}

export async function openServerWorkflow(name: string): Promise<void> {
  try {
    const doc = await getWorkflow(name);
    const r = importDocument(doc, defsNow());
    openResult(r, name, name);
  } catch (e) {
    toast(`Could not open ${name}: ${(e as Error).message}`, "error");
  }
}

export async function openTemplate(t: TemplateEntry): Promise<void> {
  try {
    openResult(importDocument(await getTemplate(t), defsNow()), t.name);
  } catch (e) {
    toast(`Could not open template ${t.name}: ${(e as Error).message}`, "error");
  }
}

export async function saveActive(name?: string): Promise<boolean> {
  const s = useGraph.getState();
  const tab = s.tabs.find((t) => t.id === s.activeTab)!;
  const target = name ?? tab.savedName ?? window.prompt("Save workflow as", tab.title === "Untitled" ? "" : tab.title)?.trim();
  if (!target) return false;
  try {
    const doc = currentWorkflow();
    const entry = await saveWorkflow(target, doc, true);
    updateTab(tab.id, { savedName: entry.name, title: entry.name, dirty: false });
    toast(`Saved “${entry.name}”`);
    return true;
  } catch (e) {
    toast(`Could not save: ${(e as Error).message}`, "error");
    return false;
  }
}

function download(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const fileBase = () => {
  const s = useGraph.getState();
  return (s.tabs.find((t) => t.id === s.activeTab)?.title || "workflow").replace(/[\\/:*?"<>|]/g, "_");
};

export function exportWorkflow(): void {
  download(`${fileBase()}.json`, currentWorkflow());
}

export function exportApi(): void {
  download(`${fileBase()}.api.json`, toPrompt(useGraph.getState(), defsNow()));
}
