/**
 * Running the active graph: convert it to an API prompt, POST /prompt with our client
 * id and the UI workflow in extra_pnginfo (so saved images carry it), map a 400's
 * node_errors onto nodes and inputs, then apply seed controls (no undo entry).
 */
import { ApiError } from "../api/http";
import { deleteQueued, interrupt, queuePrompt, type NodeError } from "../api/queue";
import { toPrompt, type ApiPrompt } from "../graph/prompt";
import { isGraphNode } from "../graph/types";
import { applyControl } from "../graph/widgets";
import { hasSubgraphs, toWorkflow } from "../graph/workflow";
import { convertWorkflow } from "../api/workflows";
import { defsNow } from "../store/catalogue-store";
import { rootContent, setWidgetsQuietly, useGraph } from "../store/graph-store";
import { markOurs, setValidationErrors, submitting, useRuntimeStore } from "../store/runtime-store";
import { toast, useUI } from "../store/ui-store";
import { t } from "../i18n";

export const clientId: string = (() => {
  const k = "kg.clientId";
  let id = sessionStorage.getItem(k);
  if (!id) {
    id = `kg-${crypto.randomUUID ? crypto.randomUUID() : Math.random().toString(36).slice(2)}`;
    sessionStorage.setItem(k, id);
  }
  return id;
})();

export function currentWorkflow() {
  const root = rootContent();
  return toWorkflow(root, defsNow(), { viewport: root.viewport ?? undefined });
}

/** Queue the graph `batch` times (seed controls applied between runs); the last prompt id. */
export async function runBatch(opts: { front?: boolean; outputs?: string[] } = {}): Promise<string | null> {
  let last: string | null = null;
  const count = Math.max(1, Math.min(100, Math.round(useUI.getState().batch) || 1));
  for (let i = 0; i < count; i++) {
    last = await runGraph(opts);
    if (!last) break;
  }
  return last;
}

/** Run only the selected output nodes (and what they need): partial_execution_targets. */
export function runSelectedOutputs(): Promise<string | null> {
  const defs = defsNow();
  const g = useGraph.getState();
  // Inside an open subgraph, an inner node's API id is prefixed with the instance path ("10:3").
  const prefix = g.frames.map((f) => `${f.instanceId}:`).join("");
  const outputs = g.nodes.filter((n) => n.selected && isGraphNode(n) && defs[n.data.classType]?.outputNode).map((n) => prefix + n.id);
  if (!outputs.length) {
    toast(t("run.noOutputSelected"), "warn");
    return Promise.resolve(null);
  }
  return runBatch({ outputs });
}

export async function runGraph(opts: { front?: boolean; outputs?: string[]; confirmSpend?: boolean } = {}): Promise<string | null> {
  const defs = defsNow();
  const s = useGraph.getState();
  const root = rootContent();
  const workflow = currentWorkflow();
  let prompt: ApiPrompt;
  try {
    // Subgraph instances are expanded by the server's converter (the same as ComfyUI's frontend).
    prompt = hasSubgraphs(root.nodes) ? await convertWorkflow(workflow) : toPrompt(root, defs);
  } catch (e) {
    toast(t("run.queueFailed", { error: (e as Error).message }), "error");
    return null;
  }
  if (!Object.keys(prompt).length) {
    toast(t("run.nothing"), "warn");
    return null;
  }
  const tab = s.activeTab;
  const name = s.tabs.find((t) => t.id === tab)?.title ?? "";
  setValidationErrors(tab, {});
  try {
    // Marked inside the submission, so events that came before the reply are replayed.
    const res = await submitting(async () => {
      const r = await queuePrompt({ prompt, client_id: clientId, extra_data: { extra_pnginfo: { workflow }, workflow_name: name, ...(opts.confirmSpend ? { confirm_spend: true } : {}) }, front: opts.front, partial_execution_targets: opts.outputs });
      markOurs(r.prompt_id, tab);
      return r;
    });
    applyControls();
    toast(t("run.queued", { number: res.number + 1 }));
    return res.prompt_id;
  } catch (e) {
    if (e instanceof ApiError && e.body && typeof e.body === "object" && "node_errors" in e.body) {
      const body = e.body as { error: { type?: string; message: string; details?: string }; node_errors: Record<string, NodeError> };
      // Over a per-job limit (or of unknown price): the user may confirm; a daily limit refuses again.
      if (body.error.type === "budget_exceeded" && !opts.confirmSpend && window.confirm(t("cost.confirm", { message: body.error.message }))) {
        return runGraph({ ...opts, confirmSpend: true });
      }
      const map: Record<string, string[]> = {};
      for (const [id, ne] of Object.entries(body.node_errors)) {
        map[id] = ne.errors.map((x) => `${x.extra_info?.input_name ? x.extra_info.input_name + ": " : ""}${x.message}${x.details && x.details !== x.extra_info?.input_name ? ` (${x.details})` : ""}`);
      }
      setValidationErrors(tab, map);
      toast(body.error.details ? t("run.invalid", { message: body.error.message, details: body.error.details }) : body.error.message, "error");
    } else {
      toast(t("run.queueFailed", { error: (e as Error).message }), "error");
    }
    return null;
  }
}

function applyControls(): void {
  const defs = defsNow();
  const changes: Record<string, Record<string, unknown>> = {};
  for (const n of useGraph.getState().nodes) {
    if (!isGraphNode(n) || n.data.mode !== 0) continue;
    const def = defs[n.data.classType];
    if (!def) continue;
    for (const input of def.inputs) {
      const mode = n.data.controls[input.name];
      if (!input.control || !mode || mode === "fixed") continue;
      (changes[n.id] ??= {})[input.name] = applyControl(input, n.data.widgets[input.name], mode);
    }
  }
  if (Object.keys(changes).length) setWidgetsQuietly(changes);
}

export async function cancelRunning(): Promise<void> {
  const running = useRuntimeStore.getState().running;
  await interrupt(running ?? undefined);
}

export async function cancelPending(id: string): Promise<void> {
  await deleteQueued([id]);
}
