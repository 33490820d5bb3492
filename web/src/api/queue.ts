/** Running graphs: POST /prompt, the queue, interrupt, and finished jobs (/api/runs). */
import type { ApiPrompt } from "../graph/prompt";
import type { OutputImage } from "../graph/runtime-events";
import type { BatchItems } from "./batch";
import { request } from "./http";

export interface QueueResult {
  prompt_id: string;
  number: number;
  node_errors: Record<string, unknown>;
}

export interface NodeError {
  errors: { type: string; message: string; details: string; extra_info?: { input_name?: string } }[];
  class_type: string;
}

export function queuePrompt(body: { prompt: ApiPrompt; client_id: string; extra_data?: Record<string, unknown>; front?: boolean; partial_execution_targets?: string[] }): Promise<QueueResult> {
  return request("/prompt", { method: "POST", json: body });
}

export type QueueItem = [number, string, ApiPrompt, Record<string, unknown>, string[]];
export function getQueue(): Promise<{ queue_running: QueueItem[]; queue_pending: QueueItem[] }> {
  return request("/queue");
}
export function deleteQueued(ids: string[]): Promise<void> {
  return request("/queue", { method: "POST", json: { delete: ids } });
}
export function clearQueue(): Promise<void> {
  return request("/queue", { method: "POST", json: { clear: true } });
}
export function interrupt(promptId?: string): Promise<void> {
  return request("/interrupt", { method: "POST", json: promptId ? { prompt_id: promptId } : {} });
}

export interface Job {
  id: string;
  status: "queued" | "running" | "success" | "error" | "interrupted" | "cancelled";
  number: number;
  client_id: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_s: number | null;
  outputs: Record<string, { images?: OutputImage[]; [k: string]: unknown }>;
  error: { node_id: string; node_type: string; exception_message: string } | null;
  prompt?: ApiPrompt;
  /** The name the submitting canvas gave (extra_data.workflow_name), or null. */
  workflow_name?: string | null;
  /** A batch's results per item (api/batch.ts), or null for a run of one. */
  items?: BatchItems | null;
  extra_data?: { extra_pnginfo?: { workflow?: unknown } };
}

export function listJobs(status: string, limit = 50): Promise<{ jobs: Job[]; total: number }> {
  return request(`/api/runs?status=${status}&limit=${limit}`);
}
export function getJob(id: string): Promise<Job> {
  return request(`/api/runs/${encodeURIComponent(id)}`);
}
export function cancelJob(id: string): Promise<{ status: string }> {
  return request(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}
