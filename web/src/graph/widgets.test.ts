import { describe, expect, it } from "vitest";
import { parseNodeDef, parseObjectInfo, withDynamic } from "./object-info";
import { applyControl, clampNumber, fromWidgetsValues, toWidgetsValues, widgetSlots } from "./widgets";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);
const input = (node: string, name: string) => defs[node].inputs.find((i) => i.name === name)!;

describe("widgets_values order", () => {
  it("puts the seed's control mode right after the seed", () => {
    const values = toWidgetsValues(defs.ImageNoise, { width: 64, height: 32, seed: 7, amount: 0.5, monochrome: true }, { seed: "increment" });
    expect(values).toEqual([64, 32, 7, "increment", 0.5, true]);
  });
  it("adds the upload button's value after the required widgets", () => {
    expect(toWidgetsValues(defs.LoadImage, { image: "cat.png" }, {})).toEqual(["cat.png", "image"]);
    expect(widgetSlots(defs.LoadImage).map((s) => s.extra ?? s.input?.name)).toEqual(["image", "upload"]);
  });
  it("reads them back, with or without the control mode", () => {
    expect(fromWidgetsValues(defs.ImageNoise, [64, 32, 7, "fixed", 0.5, true])).toEqual({
      widgets: { width: 64, height: 32, seed: 7, amount: 0.5, monochrome: true },
      controls: { seed: "fixed" },
    });
    // Other tools often leave the mode out.
    expect(fromWidgetsValues(defs.ImageNoise, [64, 32, 7, 0.5, true]).widgets.amount).toBe(0.5);
    expect(fromWidgetsValues(defs.LoadImage, ["cat.png", "image"]).widgets).toEqual({ image: "cat.png" });
  });
  it("reads the newer dict form", () => {
    expect(fromWidgetsValues(defs.ImageBlur, { blur_radius: 3 }).widgets).toEqual({ blur_radius: 3, sigma: 1 });
  });
});

describe("numbers and seed controls", () => {
  it("clamps to min/max and rounds INTs", () => {
    expect(clampNumber(input("ImageBlur", "blur_radius"), 99)).toBe(31);
    expect(clampNumber(input("ImageBlur", "blur_radius"), 2.6)).toBe(3);
    expect(clampNumber(input("ImageBlur", "sigma"), 0)).toBe(0.1);
  });
  it("applies fixed, increment, decrement and randomize", () => {
    const seed = input("ImageNoise", "seed");
    expect(applyControl(seed, 5, "fixed")).toBe(5);
    expect(applyControl(seed, 5, "increment")).toBe(6);
    expect(applyControl(seed, 0, "decrement")).toBe(0);
    const r = applyControl(seed, 5, "randomize", () => 0.5) as number;
    expect(Number.isSafeInteger(r)).toBe(true);
    expect(r).toBeGreaterThan(1000);
  });
});

describe("dynamic combos (COMFY_DYNAMICCOMBO_V3) and values past the declared widgets", () => {
  const kling = parseNodeDef("KlingFirstLastFrameNode", {
    input: {
      required: {
        prompt: ["STRING", { default: "", multiline: true }],
        duration: ["INT", { default: 5, min: 3, max: 15 }],
        first_frame: ["IMAGE"],
        generate_audio: ["BOOLEAN", { default: true }],
        model: ["COMFY_DYNAMICCOMBO_V3", { options: [
          { key: "kling-v3", inputs: { required: { resolution: [["4k", "1080p", "720p"], { default: "1080p" }] } } },
          { key: "kling-v2", inputs: { required: { mode: [["std", "pro"]], extra: ["IMAGE"] } } },
        ] }],
        seed: ["INT", { control_after_generate: true, default: 0, min: 0, max: 2147483647 }],
      },
    },
    output: ["VIDEO"],
  });

  it("reads and writes the chosen option's widgets right after the combo, as ComfyUI saves them", () => {
    const saved = ["", 3, false, "kling-v3", "720p", 1, "fixed"];
    const { widgets, controls } = fromWidgetsValues(kling, saved);
    expect(widgets).toEqual({ prompt: "", duration: 3, generate_audio: false, model: "kling-v3", "model.resolution": "720p", seed: 1 });
    expect(controls.seed).toBe("fixed");
    expect(toWidgetsValues(kling, widgets, controls)).toEqual(saved);
    const v2 = fromWidgetsValues(kling, ["a", 4, true, "kling-v2", "pro", 7, "randomize"]);
    expect(v2.widgets).toMatchObject({ model: "kling-v2", "model.mode": "pro", seed: 7 });
    expect(withDynamic(kling.inputs, v2.widgets).map((i) => i.name)).toContain("model.extra");
  });

  it("keeps saved values past the declared widgets (CustomCombo's options)", () => {
    const combo = parseNodeDef("CustomCombo", { input: { required: { choice: [["a", "b"]] } }, output: ["STRING"] });
    const r = fromWidgetsValues(combo, ["b", 1, "a", "b", ""]);
    expect(r.widgets).toEqual({ choice: "b" });
    expect(r.tail).toEqual([1, "a", "b", ""]);
  });
});
