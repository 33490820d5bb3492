import { describe, expect, it } from "vitest";
import { fitViewport, MIN_ZOOM } from "./fit";

describe("fit view", () => {
  it("never zooms a small graph past 100%", () => {
    expect(fitViewport({ x: 0, y: 0, width: 260, height: 120 }, 1400, 800).zoom).toBe(1);
  });

  it("shows a 3,000-node graph whole (the zoom floor is low enough)", () => {
    // 60 × 50 nodes of 260 × 160 with gaps: about 19,800 × 12,000 flow units.
    const b = { x: 0, y: 0, width: 60 * 330, height: 50 * 240 };
    const v = fitViewport(b, 1400, 800);
    expect(v.zoom).toBeGreaterThan(MIN_ZOOM);
    expect(b.width * v.zoom).toBeLessThanOrEqual(1400);
    expect(b.height * v.zoom).toBeLessThanOrEqual(800);
    expect(v.x + (b.width / 2) * v.zoom).toBeCloseTo(700);
  });
});
