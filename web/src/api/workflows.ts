/** Saved workflows and templates (our /api/workflows and /api/templates). */
import type { ApiPrompt } from "../graph/prompt";
import { request } from "./http";

export interface WorkflowEntry {
  name: string;
  size: number;
  modified: number;
}
const enc = encodeURIComponent;

export const listWorkflows = () => request<{ workflows: WorkflowEntry[] }>("/api/workflows").then((r) => r.workflows);
export const getWorkflow = (name: string) => request<unknown>(`/api/workflows/${enc(name)}`);
export const saveWorkflow = (name: string, doc: unknown, overwrite = true) =>
  request<WorkflowEntry>(`/api/workflows/${enc(name)}?overwrite=${overwrite}`, { method: "PUT", json: doc });
export const renameWorkflow = (name: string, to: string) =>
  request<WorkflowEntry>(`/api/workflows/${enc(name)}/rename`, { method: "POST", json: { to } });
export const deleteWorkflow = (name: string) => request<unknown>(`/api/workflows/${enc(name)}`, { method: "DELETE" });

/** The API prompt the server makes of a UI workflow (subgraphs expanded as ComfyUI's frontend does). */
export const convertWorkflow = (doc: unknown) => request<{ prompt: ApiPrompt }>("/api/workflows/convert", { method: "POST", json: doc }).then((r) => r.prompt);

export interface TemplateEntry {
  name: string;
  source: string;
  format: "ui" | "api";
}
export const listTemplates = () => request<{ templates: TemplateEntry[] }>("/api/templates").then((r) => r.templates);
export const getTemplate = (t: TemplateEntry) => request<unknown>(`/api/templates/${enc(t.source)}/${enc(t.name)}`);
