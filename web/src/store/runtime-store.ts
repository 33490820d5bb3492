/**
 * The runtime store: execution state per node (progress, cached, errors, outputs,
 * previews), kept apart from the graph so that progress never touches nodes/edges and
 * never enters undo. Leaf components subscribe to their own node's slice.
 */
import { create } from "zustand";
import { droppedPreviews, initialRuntime, reduceRuntime, type NodeRuntime, type RuntimeEvent, type RuntimeState } from "../graph/runtime-events";

export const useRuntimeStore = create<RuntimeState & { connected: boolean; ours: Record<string, true>; validation: Record<string, string[]> }>(() => ({
  ...initialRuntime,
  connected: false,
  ours: {},
  validation: {},
}));

/** Apply one batch of socket events: one store update, one render. */
export function applyEvents(events: RuntimeEvent[]): void {
  const s = useRuntimeStore.getState();
  const next = reduceRuntime(s, events);
  if (next === s) return;
  for (const url of droppedPreviews(s, next)) URL.revokeObjectURL(url);
  useRuntimeStore.setState(next);
}

export function useNodeRuntime<T>(nodeId: string, pick: (r: NodeRuntime | undefined) => T): T {
  return useRuntimeStore((s) => pick(s.nodes[nodeId]));
}

export function setValidationErrors(errors: Record<string, string[]>): void {
  useRuntimeStore.setState({ validation: errors });
}

export function markOurs(promptId: string): void {
  useRuntimeStore.setState((s) => ({ ours: { ...s.ours, [promptId]: true } }));
}

/** Show a finished job's outputs on the canvas (history panel). */
export function showOutputs(outputs: Record<string, NodeRuntime["output"]>): void {
  useRuntimeStore.setState((s) => {
    const nodes = { ...s.nodes };
    for (const [id, output] of Object.entries(outputs)) nodes[id] = { ...nodes[id], output, preview: undefined };
    return { nodes };
  });
}
