/**
 * Which canvas tab a socket event belongs to. Results are shown only on the tab whose
 * job they come from: an event is matched on its prompt_id against the prompts this page
 * queued (`ours`, prompt id -> tab id); binary frames carry no prompt id and go with our
 * running prompt. Events of prompts queued elsewhere never reach a canvas (the queue and
 * history panels list those jobs). While a POST /prompt is in flight its events can
 * arrive before its prompt id is known: they are held, then replayed or dropped.
 */
import type { RuntimeEvent } from "./runtime-events";

export interface Routed {
  /** Events for each tab, in arrival order. */
  byTab: Record<string, RuntimeEvent[]>;
  /** Events of unknown prompts, to hold while a submission is in flight. */
  unknown: RuntimeEvent[];
  /** Events of no prompt (queue status). */
  global: RuntimeEvent[];
  /** Frames of someone else's job (their preview URLs are to be revoked). */
  dropped: RuntimeEvent[];
}

export function promptOf(ev: RuntimeEvent): string | null {
  const pid = (ev.data as Record<string, unknown>).prompt_id;
  return typeof pid === "string" && pid ? pid : null;
}

/** Split a batch by tab. `running` is our prompt that is executing (binary frames go with it). */
export function routeEvents(events: readonly RuntimeEvent[], ours: Readonly<Record<string, string>>, running: string | null): Routed {
  const out: Routed = { byTab: {}, unknown: [], global: [], dropped: [] };
  let current = running;
  for (const ev of events) {
    if (ev.type === "status") {
      out.global.push(ev);
      continue;
    }
    const pid = promptOf(ev);
    if (ev.type === "execution_start" && pid) current = ours[pid] ? pid : current;
    const owner = pid ?? (ev.type === "b_preview" || ev.type === "progress_text" ? current : null);
    if (owner && ours[owner]) (out.byTab[ours[owner]] ??= []).push(ev);
    else if (pid) out.unknown.push(ev);
    else out.dropped.push(ev); // a frame while none of ours runs belongs to someone else
  }
  return out;
}

/** The prompt of ours executing after these events (execution_start .. done/idle). */
export function runningAfter(events: readonly RuntimeEvent[], ours: Readonly<Record<string, string>>, running: string | null): string | null {
  let cur = running;
  for (const ev of events) {
    const pid = promptOf(ev);
    if (!pid || !ours[pid]) continue;
    if (ev.type === "execution_start") cur = pid;
    else if (pid === cur && (ev.type === "execution_success" || ev.type === "execution_error" || ev.type === "execution_interrupted" || (ev.type === "executing" && (ev.data as Record<string, unknown>).node == null))) cur = null;
  }
  return cur;
}
