/**
 * Opening and saving: dropped or pasted files (workflow JSON, API JSON, PNG/WebP with
 * metadata), server workflows, templates, and exports. Parsing runs before any state
 * changes; a failure is reported and changes nothing.
 */
import { getTemplate, getWorkflow, listTemplates, listWorkflows, saveWorkflow, type TemplateEntry } from "../api/workflows";
import { t } from "../i18n";
import { usePresence } from "../store/presence";
import { importDocument, importImage, importText } from "../graph/import-document";
import { withHandles } from "../graph/node-factory";
import { toPrompt } from "../graph/prompt";
import type { LoadResult } from "../graph/workflow-load";
import { defsNow } from "../store/catalogue-store";
import { closeTab, loadGraph, rootContent, updateTab, useGraph } from "../store/graph-store";
import { toast, useUI } from "../store/ui-store";
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
    const [doc, list] = await Promise.all([getWorkflow(name), listWorkflows()]);
    const r = importDocument(doc, defsNow());
    openResult(r, name, name);
    const s = useGraph.getState();
    updateTab(s.activeTab, { savedAt: list.find((w) => w.name === name)?.modified });
  } catch (e) {
    toast(t("open.failed", { name, error: (e as Error).message }), "error");
  }
}

export async function openTemplate(tpl: TemplateEntry): Promise<void> {
  try {
    openResult(importDocument(await getTemplate(tpl), defsNow()), tpl.name);
  } catch (e) {
    toast(t("open.templateFailed", { name: tpl.name, error: (e as Error).message }), "error");
  }
}

/** Whether saving `target` from this tab would overwrite something the user has not seen; asks. */
async function mayOverwrite(target: string, tab: { savedName: string | null; savedAt?: number }): Promise<boolean> {
  const existing = (await listWorkflows()).find((w) => w.name === target);
  if (!existing) return true;
  if (target !== tab.savedName) return window.confirm(t("save.overwrite", { name: target }));
  if (tab.savedAt !== undefined && existing.modified > tab.savedAt + 1e-3) return window.confirm(t("save.changedOnServer", { name: target }));
  if (usePresence.getState().others[target] === "editing") return window.confirm(t("save.otherEditing", { name: target }));
  return true;
}

export async function saveActive(name?: string): Promise<boolean> {
  const s = useGraph.getState();
  const tab = s.tabs.find((x) => x.id === s.activeTab)!;
  const target = name ?? tab.savedName ?? window.prompt(t("save.prompt"), tab.savedName ?? (tab.dirty || s.nodes.length ? tab.title : ""))?.trim();
  if (!target) return false;
  try {
    if (!(await mayOverwrite(target, tab))) return false;
    const doc = currentWorkflow();
    const entry = await saveWorkflow(target, doc, true);
    updateTab(tab.id, { savedName: entry.name, title: entry.name, dirty: false, savedAt: entry.modified });
    toast(t("save.done", { name: entry.name }));
    return true;
  } catch (e) {
    toast(t("save.failed", { error: (e as Error).message }), "error");
    return false;
  }
}

/** Close a tab; one with unsaved changes asks first. */
export function requestCloseTab(id: string): boolean {
  const s = useGraph.getState();
  const tab = s.tabs.find((x) => x.id === id);
  if (!tab) return false;
  const content = id === s.activeTab ? s.nodes : s.stash[id]?.nodes ?? [];
  if (tab.dirty && content.length && !window.confirm(t("tab.closeUnsaved", { name: tab.title }))) return false;
  closeTab(id);
  return true;
}

/** A first visit: no tabs restored and never started before on this browser. */
export async function isFirstVisit(): Promise<boolean> {
  try {
    if (localStorage.getItem("kg.visited")) return false;
    localStorage.setItem("kg.visited", "1");
  } catch {
    return false;
  }
  return true;
}

/** Open the default workflow (runs offline: drawing nodes only) and show the hint. */
export async function openFirstVisit(): Promise<void> {
  useUI.setState({ hint: true });
  try {
    const entry = (await listTemplates()).find((x) => x.name.replace(/\.json$/, "") === "hello_poster");
    if (!entry) return;
    openResult(importDocument(await getTemplate(entry), defsNow()), "hello_poster");
    const g = useGraph.getState();
    updateTab(g.activeTab, { dirty: false });
  } catch {
    /* the hint alone still helps */
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
  download(`${fileBase()}.api.json`, toPrompt(rootContent(), defsNow()));
}
