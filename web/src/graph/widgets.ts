/**
 * Widget values: the positional `widgets_values` order the ComfyUI frontend saves
 * (required widgets, each seed followed by its control mode, a combo with a control
 * followed by its mode and filter, the upload button's "image" after the required
 * section, then optional widgets), value clamping, and the seed controls applied
 * after each queue. Mirrors keroro_graph/graph/workflow_widgets.py.
 */
import type { ControlMode, InputDef, NodeDef } from "./types";
import { withDynamic } from "./object-info";
import { CONTROL_MODES } from "./types";

export type Slot = { input: InputDef; extra?: undefined } | { input?: undefined; extra: "control" | "filter" | "upload" | "player" };

/** Nodes the ComfyUI frontend gives an audio player widget (saved as null before the upload button's value). */
const AUDIO_PLAYER_NODES = new Set(["LoadAudio", "SaveAudio", "PreviewAudio", "SaveAudioMP3", "SaveAudioOpus", "SaveAudioAdvanced"]);

/** Slots in the frontend's order; a dynamic combo's chosen inputs (by `widgets`) follow it. */
export function widgetSlots(def: NodeDef, widgets: Record<string, unknown> = {}): Slot[] {
  const slotsOf = (i: InputDef): Slot[] => {
    if (!i.widget) return [];
    if (!i.control) return [{ input: i }];
    return i.widget === "COMBO" ? [{ input: i }, { extra: "control" }, { extra: "filter" }] : [{ input: i }, { extra: "control" }];
  };
  const required = def.inputs.filter((i) => i.section === "required");
  const optional = def.inputs.filter((i) => i.section === "optional");
  const slots = withDynamic(required, widgets).flatMap(slotsOf);
  if (AUDIO_PLAYER_NODES.has(def.name)) slots.push({ extra: "player" });
  if (required.some((i) => i.upload)) slots.push({ extra: "upload" });
  slots.push(...withDynamic(optional, widgets).flatMap(slotsOf));
  return slots;
}

/** Positional `widgets_values` for a node. */
export function toWidgetsValues(def: NodeDef, widgets: Record<string, unknown>, controls: Record<string, ControlMode>): unknown[] {
  const lastInput: InputDef[] = [];
  return widgetSlots(def, widgets).map((slot) => {
    if (slot.input) {
      lastInput.push(slot.input);
      const v = widgets[slot.input.name];
      return v === undefined ? (slot.input.default ?? null) : v;
    }
    const owner = lastInput[lastInput.length - 1];
    if (slot.extra === "control") return (owner && controls[owner.name]) || "fixed";
    if (slot.extra === "filter") return "";
    if (slot.extra === "player") return null;
    return "image";
  });
}

function looksLikeExtra(kind: "control" | "filter" | "upload" | "player", value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (kind === "control") return typeof value === "string" && (CONTROL_MODES as readonly string[]).concat("increment-wrap").includes(value);
  if (kind === "upload") return value === "" || value === "image";
  return typeof value === "string";
}

/** Read saved `widgets_values` (positional list or dict) back into named widgets and controls. */
export function fromWidgetsValues(
  def: NodeDef,
  saved: unknown,
): { widgets: Record<string, unknown>; controls: Record<string, ControlMode>; tail?: unknown[] } {
  const widgets: Record<string, unknown> = {};
  const controls: Record<string, ControlMode> = {};
  for (const i of def.inputs) if (i.widget) widgets[i.name] = i.default;
  if (saved && typeof saved === "object" && !Array.isArray(saved)) {
    const named = saved as Record<string, unknown>;
    for (const i of def.inputs) if (i.widget && i.name in named) widgets[i.name] = named[i.name];
    for (const i of withDynamic(def.inputs, widgets)) if (i.widget) widgets[i.name] = i.name in named ? named[i.name] : (widgets[i.name] ?? i.default);
    for (const i of def.inputs) if (i.control) controls[i.name] = "fixed";
    return { widgets, controls };
  }
  const values = Array.isArray(saved) ? saved : [];
  // A dynamic combo's value decides which slots follow it: read until the choices settle.
  let read = readPositional(def, values, widgets);
  for (let round = 0; round < 3 && def.inputs.some((i) => i.dynamic); round++) {
    const next = readPositional(def, values, read.widgets);
    const settled = def.inputs.every((i) => !i.dynamic || next.widgets[i.name] === read.widgets[i.name]);
    read = next;
    if (settled) break;
  }
  return read;
}

/** Values past the last slot are kept as `tail` (the frontend's own widgets, such as
 * CustomCombo's options), so saving writes them back unchanged. */
function readPositional(def: NodeDef, values: unknown[], chosen: Record<string, unknown>): { widgets: Record<string, unknown>; controls: Record<string, ControlMode>; tail?: unknown[] } {
  const controls: Record<string, ControlMode> = {};
  const widgets: Record<string, unknown> = {};
  for (const i of withDynamic(def.inputs, chosen)) if (i.widget) widgets[i.name] = i.default;
  let pos = 0;
  let owner: InputDef | null = null;
  let prevTaken = false;
  for (const slot of widgetSlots(def, chosen)) {
    if (slot.extra) {
      let taken = pos < values.length && looksLikeExtra(slot.extra, values[pos]);
      if (slot.extra === "filter") taken = taken && prevTaken;
      prevTaken = taken;
      if (taken && slot.extra === "control" && owner) {
        const mode = values[pos] === "increment-wrap" ? "increment" : (values[pos] as ControlMode | null);
        controls[owner.name] = mode ?? "fixed";
      }
      pos += taken ? 1 : 0;
      continue;
    }
    owner = slot.input;
    if (slot.input.control) controls[slot.input.name] = "fixed";
    if (pos < values.length) widgets[slot.input.name] = values[pos++];
  }
  return pos < values.length ? { widgets, controls, tail: values.slice(pos) } : { widgets, controls };
}

/** Clamp and round a number to an INT/FLOAT input's min, max, step and round options. */
export function clampNumber(input: InputDef, value: number): number {
  if (!Number.isFinite(value)) return Number(input.default ?? 0);
  const o = input.options;
  let v = value;
  if (typeof o.min === "number") v = Math.max(o.min, v);
  if (typeof o.max === "number") v = Math.min(o.max, v);
  if (input.widget === "INT") return Math.round(v);
  const round = typeof o.round === "number" && o.round > 0 ? o.round : null;
  if (round) v = Math.round(v / round) * round;
  return Number(v.toPrecision(12));
}

export function numberStep(input: InputDef): number {
  const s = input.options.step;
  if (typeof s === "number" && s > 0) return s;
  return input.widget === "INT" ? 1 : 0.01;
}

/** The value a seed control gives after a queue. `random` returns [0, 1). */
export function applyControl(input: InputDef, value: unknown, mode: ControlMode, random: () => number = Math.random): unknown {
  if (mode === "fixed") return value;
  if (input.widget === "COMBO") {
    const choices = input.choices ?? [];
    if (!choices.length) return value;
    const at = Math.max(0, choices.indexOf(value));
    if (mode === "increment") return choices[Math.min(choices.length - 1, at + 1)];
    if (mode === "decrement") return choices[Math.max(0, at - 1)];
    return choices[Math.floor(random() * choices.length)];
  }
  const o = input.options;
  const min = typeof o.min === "number" ? o.min : 0;
  // Seeds up to 2^64 do not fit a double; randomize within the safe-integer range.
  const max = Math.min(typeof o.max === "number" ? o.max : Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const n = Number(value) || 0;
  const step = numberStep(input);
  if (mode === "increment") return Math.min(max, n + step);
  if (mode === "decrement") return Math.max(min, n - step);
  const span = max - min;
  return Math.floor(min + random() * (span + 1));
}
