import { describe, expect, it } from "vitest";
import { costLines, formatTotal, type Estimate } from "./spend";

describe("formatTotal", () => {
  it("writes each currency with its symbol, in a fixed order", () => {
    expect(formatTotal({ USD: 0.04, CNY: 3.5 })).toBe("¥3.5 + $0.04");
  });
  it("rounds float noise away and keeps codes it has no symbol for", () => {
    expect(formatTotal({ USD: 0.014 + 0.21 + 0.35 })).toBe("$0.574");
    expect(formatTotal({ JPY: 12 })).toBe("12 JPY");
    expect(formatTotal({})).toBe("");
  });
});

describe("costLines", () => {
  it("names each paid node, unknown ones by the given label", () => {
    const estimate: Estimate = {
      total: { USD: 0.21 },
      unknown: ["4"],
      nodes: {
        "3": { provider: "kling", currency: "USD", amount: 0.21, basis: "kling row", calls: 1, stored: 0 },
        "4": { provider: null, currency: null, amount: null, basis: "unknown: no row", calls: 1, stored: 0 },
      },
    };
    expect(costLines(estimate, "unknown")).toEqual(["#3: $0.21 — kling row", "#4: unknown — unknown: no row"]);
  });
});
