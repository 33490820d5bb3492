/**
 * The workflow name a job ran: the canvas sends it as extra_data.workflow_name (ComfyUI
 * ignores unknown extra_data keys, /api/runs lists it as workflow_name); jobs queued
 * elsewhere fall back to their output node's title, read once from the job's detail.
 */
import { getJob, type Job } from "../api/queue";
import type { ApiPrompt } from "../graph/prompt";

export function nameOf(extra: Record<string, unknown> | undefined, prompt: ApiPrompt | undefined): string {
  const n = extra?.workflow_name;
  if (typeof n === "string" && n.trim()) return n.trim();
  const nodes = Object.values(prompt ?? {});
  return nodes.length ? String(nodes[nodes.length - 1]._meta?.title || nodes[nodes.length - 1].class_type) : "";
}

const known = new Map<string, string>();

/** Names of these jobs, fetching the details of those not seen before. */
export async function jobNames(jobs: readonly Job[]): Promise<Record<string, string>> {
  await Promise.all(
    jobs.filter((j) => !known.has(j.id)).map(async (j) => {
      if (typeof j.workflow_name === "string" && j.workflow_name.trim()) {
        known.set(j.id, j.workflow_name.trim());
        return;
      }
      try {
        const full = await getJob(j.id);
        known.set(j.id, nameOf(full.extra_data as Record<string, unknown> | undefined, full.prompt));
      } catch {
        known.set(j.id, "");
      }
    }),
  );
  return Object.fromEntries(jobs.map((j) => [j.id, known.get(j.id) ?? ""]));
}
