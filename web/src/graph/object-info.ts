/**
 * Node definitions from ComfyUI's /object_info JSON (V1 shape, V3 combos included):
 * ordered inputs with their widget kind, seed controls and upload buttons, outputs.
 * Knows nothing of the canvas or of HTTP.
 */
import type { InputDef, NodeDef, NodeDefs, OutputDef, WidgetKind } from "./types";

type RawSpec = [unknown, Record<string, unknown>?] | unknown[];
interface RawInfo {
  input?: { required?: Record<string, RawSpec>; optional?: Record<string, RawSpec>; hidden?: unknown };
  input_order?: { required?: string[]; optional?: string[] };
  output?: unknown[];
  output_is_list?: boolean[];
  output_name?: string[];
  output_tooltips?: string[];
  name?: string;
  display_name?: string;
  description?: string;
  python_module?: string;
  category?: string;
  output_node?: boolean;
  deprecated?: boolean;
  experimental?: boolean;
  api_node?: boolean;
}

const WIDGET_TYPES = new Set(["INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"]);
/** ComfyUI frontend widget types beyond the basic five: each owns a widget slot (not a socket). */
const CUSTOM_WIDGETS: Record<string, unknown> = { COLOR: "#000000", IMAGECOMPARE: ["", ""], AUDIO_RECORD: null, WEBCAM: null, CURVE: null, BOUNDING_BOXES: null };
/** INT inputs that get a seed control even when the declaration says nothing (ComfyUI's legacy rule). */
const SEED_NAMES = new Set(["seed", "noise_seed"]);
/** Loaders that get an upload button even without the option: their file input and its kind. */
const KNOWN_MEDIA_LOADERS: Record<string, [string, "image" | "video" | "audio"]> = {
  LoadImage: ["image", "image"], LoadImageMask: ["image", "image"], LoadVideo: ["file", "video"], LoadAudio: ["audio", "audio"],
};

export function parseInput(name: string, raw: RawSpec, section: InputDef["section"], classType = ""): InputDef {
  const head = Array.isArray(raw) ? raw[0] : raw;
  const options = (Array.isArray(raw) && raw[1] && typeof raw[1] === "object" ? raw[1] : {}) as Record<string, unknown>;
  let type: string;
  let choices: unknown[] | undefined;
  let dynamic: InputDef["dynamic"];
  if (Array.isArray(head)) {
    type = "COMBO";
    choices = head;
  } else if (head === "COMFY_DYNAMICCOMBO_V3") {
    type = "COMBO";
    dynamic = (Array.isArray(options.options) ? options.options : []).map((o: { key?: unknown; inputs?: Record<string, Record<string, RawSpec>> }) => ({
      key: String(o?.key ?? ""),
      inputs: (["required", "optional"] as const).flatMap((sec) =>
        Object.entries(o?.inputs?.[sec] ?? {}).map(([k, spec]) => parseInput(`${name}.${k}`, spec, sec, classType))),
    }));
    choices = dynamic.map((o) => o.key);
  } else {
    type = String(head ?? "*");
    if (type === "COMBO") choices = Array.isArray(options.options) ? (options.options as unknown[]) : [];
  }
  const widget = options.forceInput ? null : WIDGET_TYPES.has(type) ? (type as WidgetKind) : type in CUSTOM_WIDGETS ? "CUSTOM" : null;
  const declared = options.control_after_generate;
  const control =
    widget === "INT" ? (declared !== undefined ? Boolean(declared) : SEED_NAMES.has(name)) : widget === "COMBO" && Boolean(declared);
  let upload: InputDef["upload"] = null;
  if (widget === "COMBO") {
    if (options.image_upload) upload = "image";
    else if (options.video_upload || options.animated_image_upload) upload = "video";
    else if (options.audio_upload) upload = "audio";
    else if (KNOWN_MEDIA_LOADERS[classType]?.[0] === name) upload = KNOWN_MEDIA_LOADERS[classType][1];
  }
  let def = options.default;
  if (def === undefined && widget === "CUSTOM") def = CUSTOM_WIDGETS[type];
  else if (def === undefined && widget) def = defaultFor(widget, options, choices);
  return {
    name,
    type,
    section,
    ...(type === "COMFY_AUTOGROW_V3" ? { grow: autogrow(name, options) } : {}),
    ...(dynamic ? { dynamic } : {}),
    widget,
    options,
    choices,
    default: def,
    tooltip: typeof options.tooltip === "string" ? options.tooltip : undefined,
    control,
    upload,
  };
}

/** An autogrow input's template: one socket type, named prefix0, prefix1, ... (or from a fixed list of names). */
function autogrow(name: string, options: Record<string, unknown>): NonNullable<InputDef["grow"]> {
  const tpl = (options.template ?? {}) as { input?: { required?: Record<string, RawSpec>; optional?: Record<string, RawSpec> }; prefix?: unknown; min?: unknown; max?: unknown; names?: unknown };
  const [inner, spec] = Object.entries({ ...tpl.input?.required, ...tpl.input?.optional })[0] ?? [name, ["*"]];
  const head = Array.isArray(spec) ? spec[0] : spec;
  const names = Array.isArray(tpl.names) ? tpl.names.map(String) : undefined;
  return {
    prefix: typeof tpl.prefix === "string" ? tpl.prefix : inner,
    type: typeof head === "string" ? head : "*",
    min: typeof tpl.min === "number" ? tpl.min : 1,
    max: names ? names.length : typeof tpl.max === "number" ? tpl.max : 50,
    ...(names ? { names } : {}),
  };
}

/** The inputs the chosen value of a dynamic combo brings (none for other inputs). */
export function chosenInputs(input: InputDef, widgets: Record<string, unknown>): InputDef[] {
  if (!input.dynamic) return [];
  const value = widgets[input.name] ?? input.default;
  return (input.dynamic.find((o) => o.key === value) ?? input.dynamic[0])?.inputs ?? [];
}

/** A node's inputs with each dynamic combo followed by the inputs its chosen value brings. */
export function withDynamic(inputs: readonly InputDef[], widgets: Record<string, unknown>): InputDef[] {
  if (!inputs.some((i) => i.dynamic)) return inputs as InputDef[];
  return inputs.flatMap((i) => [i, ...withDynamic(chosenInputs(i, widgets), widgets)]);
}

/** A node's inputs with each autogrow input spread into its sockets: the linked ones and one free socket after them (at least `min`). */
export function expandInputs(inputs: readonly InputDef[], linked: (name: string) => boolean): InputDef[] {
  if (!inputs.some((i) => i.grow)) return inputs as InputDef[];
  return inputs.flatMap((i) => {
    const g = i.grow;
    if (!g) return [i];
    const slot = (k: number) => `${i.name}.${g.names ? g.names[k] : `${g.prefix}${k}`}`;
    let count = g.min;
    for (let k = 0; k < g.max; k++) if (linked(slot(k))) count = Math.max(count, k + 2);
    return Array.from({ length: Math.min(g.max, Math.max(1, count)) }, (_, k) => ({
      ...i, name: slot(k), type: g.type, section: k < g.min ? ("required" as const) : ("optional" as const), grow: undefined,
    }));
  });
}

function defaultFor(kind: WidgetKind, options: Record<string, unknown>, choices?: unknown[]): unknown {
  switch (kind) {
    case "INT":
    case "FLOAT": {
      const min = typeof options.min === "number" ? options.min : 0;
      return Math.max(min, 0);
    }
    case "STRING":
      return "";
    case "BOOLEAN":
      return false;
    case "COMBO":
      return choices && choices.length ? choices[0] : "";
  }
}

function ordered(section: Record<string, RawSpec> | undefined, order: string[] | undefined): string[] {
  if (!section) return [];
  const keys = Object.keys(section);
  if (!order) return keys;
  const rest = keys.filter((k) => !order.includes(k));
  return [...order.filter((k) => k in section), ...rest];
}

export function parseNodeDef(name: string, info: RawInfo): NodeDef {
  const inputs: InputDef[] = [];
  for (const section of ["required", "optional"] as const) {
    const raw = info.input?.[section];
    for (const key of ordered(raw, info.input_order?.[section])) {
      inputs.push(parseInput(key, raw![key], section, name));
    }
  }
  const outs = info.output ?? [];
  const outputs: OutputDef[] = outs.map((t, i) => ({
    name: info.output_name?.[i] ?? String(Array.isArray(t) ? "COMBO" : t),
    type: Array.isArray(t) ? "COMBO" : String(t),
    isList: Boolean(info.output_is_list?.[i]),
    tooltip: info.output_tooltips?.[i],
  }));
  return {
    name,
    displayName: info.display_name || name,
    category: info.category || "uncategorized",
    description: info.description || "",
    inputs,
    outputs,
    outputNode: Boolean(info.output_node),
    pythonModule: info.python_module || "",
    deprecated: info.deprecated,
    experimental: info.experimental,
    apiNode: info.api_node,
  };
}

export function parseObjectInfo(raw: Record<string, unknown>): NodeDefs {
  const defs: NodeDefs = {};
  for (const [name, info] of Object.entries(raw)) {
    if (info && typeof info === "object") defs[name] = parseNodeDef(name, info as RawInfo);
  }
  return defs;
}

/** Default widget values of a fresh node. */
export function defaultWidgets(def: NodeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const input of def.inputs) if (input.widget) out[input.name] = input.default;
  for (const input of withDynamic(def.inputs, out)) if (input.widget && !(input.name in out)) out[input.name] = input.default;
  return out;
}

export function defaultControls(def: NodeDef): Record<string, "fixed" | "randomize"> {
  const out: Record<string, "fixed" | "randomize"> = {};
  for (const input of def.inputs) if (input.control) out[input.name] = input.widget === "INT" ? "randomize" : "fixed";
  return out;
}

/** Categories as a sorted tree: "image/io" → ["image", "io"]. */
export interface CategoryTree {
  name: string;
  path: string;
  children: CategoryTree[];
  nodes: NodeDef[];
}

export function categoryTree(defs: NodeDefs): CategoryTree {
  const root: CategoryTree = { name: "", path: "", children: [], nodes: [] };
  for (const def of Object.values(defs)) {
    let at = root;
    for (const part of def.category.split("/").filter(Boolean)) {
      let next = at.children.find((c) => c.name === part);
      if (!next) {
        next = { name: part, path: at.path ? `${at.path}/${part}` : part, children: [], nodes: [] };
        at.children.push(next);
      }
      at = next;
    }
    at.nodes.push(def);
  }
  const sort = (t: CategoryTree) => {
    t.children.sort((a, b) => a.name.localeCompare(b.name));
    t.nodes.sort((a, b) => a.displayName.localeCompare(b.displayName));
    t.children.forEach(sort);
  };
  sort(root);
  return root;
}
