import { describe, expect, it } from "vitest";
import { categoryTree, defaultControls, defaultWidgets, expandInputs, parseInput, parseNodeDef, parseObjectInfo } from "./object-info";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);

describe("parseObjectInfo", () => {
  it("reads every node with category, outputs and ordered inputs", () => {
    expect(Object.keys(defs)).toHaveLength(Object.keys(info).length);
    const d = defs.ImageNoise;
    expect(d.category).toBe("image/generate");
    expect(d.inputs.map((i) => i.name)).toEqual(["width", "height", "seed", "amount", "monochrome"]);
    expect(d.outputs).toEqual([{ name: "IMAGE", type: "IMAGE", isList: false, tooltip: undefined }]);
  });
  it("derives widget kinds, seed controls and uploads", () => {
    const seed = defs.ImageNoise.inputs.find((i) => i.name === "seed")!;
    expect(seed.widget).toBe("INT");
    expect(seed.control).toBe(true);
    const image = defs.LoadImage.inputs[0];
    expect(image.widget).toBe("COMBO");
    expect(image.upload).toBe("image");
    expect(defs.ImageBlur.inputs[0].widget).toBeNull();
    expect(defs.PreviewImage.outputNode).toBe(true);
  });
  it("reads V3 combos, forceInput and the legacy seed rule", () => {
    expect(parseInput("mode", ["COMBO", { options: ["a", "b"] }], "required").choices).toEqual(["a", "b"]);
    expect(parseInput("x", ["INT", { forceInput: true }], "required").widget).toBeNull();
    expect(parseInput("seed", ["INT", {}], "required").control).toBe(true);
    expect(parseInput("steps", ["INT", {}], "required").control).toBe(false);
  });
  it("gives defaults and a seed mode", () => {
    expect(defaultWidgets(defs.ImageNoise)).toEqual({ width: 512, height: 512, seed: 0, amount: 1, monochrome: false });
    expect(defaultControls(defs.ImageNoise)).toEqual({ seed: "randomize" });
  });
  it("groups by category path", () => {
    const tree = categoryTree(defs);
    const image = tree.children.find((c) => c.name === "image")!;
    expect(image.children.map((c) => c.name)).toContain("io");
    expect(image.children.find((c) => c.name === "io")!.nodes.map((n) => n.name)).toContain("SaveImage");
  });
});

describe("custom widget types", () => {
  it("gives ComfyUI's own widget types (IMAGECOMPARE, COLOR) a widget slot, not a socket", () => {
    const defs = parseObjectInfo({
      ImageCompare: {
        input: { required: { compare_view: ["IMAGECOMPARE", { socketless: true }] }, optional: { image_a: ["IMAGE"], image_b: ["IMAGE"] } },
        input_order: { required: ["compare_view"], optional: ["image_a", "image_b"] },
        output: [], output_name: [], output_is_list: [], name: "ImageCompare", display_name: "Image Compare", category: "image", output_node: true,
      },
    });
    const view = defs.ImageCompare.inputs.find((i) => i.name === "compare_view")!;
    expect(view.widget).toBe("CUSTOM");
    expect(view.default).toEqual(["", ""]);
    expect(defs.ImageCompare.inputs.find((i) => i.name === "image_a")!.widget).toBeNull();
  });
});

describe("autogrow inputs (COMFY_AUTOGROW_V3)", () => {
  const batch = parseNodeDef("BatchImagesNode", {
    input: { required: { images: ["COMFY_AUTOGROW_V3", { template: { input: { required: { image: ["IMAGE", {}] } }, max: 50, min: 1, prefix: "image" } }] } },
    output: ["IMAGE"],
  });
  it("shows the linked sockets and one free one after them", () => {
    expect(batch.inputs[0].grow).toEqual({ prefix: "image", type: "IMAGE", min: 1, max: 50 });
    expect(expandInputs(batch.inputs, () => false).map((i) => [i.name, i.type])).toEqual([["images.image0", "IMAGE"]]);
    const linked = new Set(["images.image0", "images.image2"]);
    expect(expandInputs(batch.inputs, (n) => linked.has(n)).map((i) => i.name)).toEqual(["images.image0", "images.image1", "images.image2", "images.image3"]);
  });
});
