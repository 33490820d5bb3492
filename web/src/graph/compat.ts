/**
 * Socket compatibility and connection checks, with the backend's rule (ComfyUI's
 * validate_node_input): equal types match, "*" matches anything, and comma unions match
 * when they intersect. Refusals come with a sentence that says why, checked in
 * chaiNNer's order: self-link, cycle, type mismatch.
 */
import type { InputDef, NodeDef, NodeDefs, SocketType } from "./types";
import { t } from "../i18n/translate";

export function canConnect(out: SocketType, input: SocketType): boolean {
  if (out === input || out === "*" || input === "*") return true;
  if (!out || !input) return false;
  const a = out.split(",").map((s) => s.trim());
  const b = new Set(input.split(",").map((s) => s.trim()));
  return a.some((t) => t === "*" || b.has(t) || b.has("*"));
}

/** Output type that a node's output slot carries (COMBO outputs match COMBO inputs only). */
export interface ConnectionQuery {
  sourceId: string;
  targetId: string;
  outType: SocketType;
  input: { name: string; type: SocketType };
  /** Adjacency: node id → ids of nodes it feeds. */
  downstream: (nodeId: string) => Iterable<string>;
}

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

export function checkConnection(q: ConnectionQuery): ConnectionVerdict {
  if (q.sourceId === q.targetId) return { ok: false, reason: t("connect.self") };
  if (reaches(q.targetId, q.sourceId, q.downstream)) {
    return { ok: false, reason: t("connect.loop") };
  }
  if (!canConnect(q.outType, q.input.type)) {
    return {
      ok: false,
      reason: t("connect.type", { name: q.input.name, type: q.input.type, out: q.outType }),
    };
  }
  return { ok: true };
}

/** True when `to` is reachable from `from` along edges (depth-first). */
export function reaches(from: string, to: string, downstream: (id: string) => Iterable<string>): boolean {
  if (from === to) return true;
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const at = stack.pop()!;
    for (const next of downstream(at)) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** All nodes reachable downstream of `from`, inclusive (computed once per drag). */
export function downstreamSet(from: string, downstream: (id: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    for (const next of downstream(stack.pop()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** First input of `def` that accepts `type` (sockets before widgets), or null. */
export function firstCompatibleInput(def: NodeDef, type: SocketType): InputDef | null {
  const sockets = def.inputs.filter((i) => !i.widget && canConnect(type, i.type));
  if (sockets.length) return sockets[0];
  return def.inputs.find((i) => i.widget && i.widget !== "COMBO" && canConnect(type, i.type)) ?? null;
}

/** First output slot of `def` whose type fits an input of `type`, or -1. */
export function firstCompatibleOutput(def: NodeDef, type: SocketType): number {
  return def.outputs.findIndex((o) => canConnect(o.type, type));
}

/** Node types with an input accepting `type` (dragging from an output). */
export function nodesAccepting(defs: NodeDefs, type: SocketType): NodeDef[] {
  return Object.values(defs).filter((d) => firstCompatibleInput(d, type) !== null);
}

/** Node types with an output fitting an input of `type` (dragging from an input). */
export function nodesProducing(defs: NodeDefs, type: SocketType): NodeDef[] {
  return Object.values(defs).filter((d) => firstCompatibleOutput(d, type) >= 0);
}
