import { describe, expect, it } from "vitest";
import { parseObjectInfo } from "./object-info";
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
