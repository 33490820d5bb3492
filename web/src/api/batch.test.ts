import { describe, expect, it } from "vitest";
import { galleryItems, type BatchItems } from "./batch";

const img = (filename: string) => ({ filename, subfolder: "", type: "output" });

describe("galleryItems", () => {
  it("puts each file on the card of the item that made it and failed items' errors on theirs", () => {
    const items: BatchItems = {
      total: 4,
      source: "lines",
      labels: ["a red mug", "a blue mug", "xxx", "a green mug"],
      outputs: { save: { images: [0, 1, 3] }, vid: { videos: [0, 3] } },
      errors: [{ item: 2, node_id: "gen", class_type: "KlingImageGeneration", message: "item 3 of 4: too long" }],
    };
    const outputs = {
      save: { images: [img("a.png"), img("b.png"), img("d.png")] },
      vid: { videos: [img("a.mp4"), img("d.mp4")] },
    };
    const cards = galleryItems(items, outputs);
    expect(cards.map((c) => c.label)).toEqual(["a red mug", "a blue mug", "xxx", "a green mug"]);
    expect(cards[0].media.map((m) => [m.filename, m.kind, m.nodeId])).toEqual([
      ["a.png", "image", "save"],
      ["a.mp4", "video", "vid"],
    ]);
    expect(cards[2].media).toEqual([]);
    expect(cards[2].errors[0].message).toContain("too long");
    expect(cards[3].media.map((m) => m.filename)).toEqual(["d.png", "d.mp4"]);
  });

  it("ignores entries that are not files and outputs the job no longer has", () => {
    const items: BatchItems = { total: 2, source: null, labels: [], outputs: { t: { text: [0, 1] }, gone: { images: [0] } }, errors: [] };
    const cards = galleryItems(items, { t: { text: ["one", "two"] } });
    expect(cards.map((c) => c.media.length)).toEqual([0, 0]);
    expect(cards.map((c) => c.texts)).toEqual([["one"], ["two"]]);
    expect(cards.map((c) => c.label)).toEqual(["", ""]);
  });
});
