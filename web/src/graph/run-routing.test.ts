import { describe, expect, it } from "vitest";
import { routeEvents, runningAfter } from "./run-routing";
import type { RuntimeEvent } from "./runtime-events";

const ev = (type: string, data: Record<string, unknown> = {}): RuntimeEvent => ({ type, data });

describe("routing socket events to the tab that queued the job", () => {
  const ours = { p1: "tabA", p2: "tabB" };

  it("sends each prompt's events to its own tab and holds unknown prompts", () => {
    const r = routeEvents(
      [
        ev("status", { status: { exec_info: { queue_remaining: 2 } } }),
        ev("execution_start", { prompt_id: "p1" }),
        ev("executed", { prompt_id: "p1", node: "3" }),
        ev("execution_start", { prompt_id: "p2" }),
        ev("executed", { prompt_id: "other", node: "3" }),
      ],
      ours,
      null,
    );
    expect(r.global).toHaveLength(1);
    expect(r.byTab.tabA.map((e) => e.type)).toEqual(["execution_start", "executed"]);
    expect(r.byTab.tabB.map((e) => e.type)).toEqual(["execution_start"]);
    expect(r.unknown.map((e) => (e.data as Record<string, unknown>).prompt_id)).toEqual(["other"]);
  });

  it("gives binary frames to our running prompt, and drops them when someone else runs", () => {
    const frame = ev("b_preview", { nodeId: "2", url: "blob:x" });
    expect(routeEvents([frame], ours, "p2").byTab.tabB).toEqual([frame]);
    expect(routeEvents([ev("execution_start", { prompt_id: "p1" }), frame], ours, null).byTab.tabA).toHaveLength(2);
    const foreign = routeEvents([frame], ours, null);
    expect(foreign.byTab).toEqual({});
    expect(foreign.dropped).toEqual([frame]);
  });

  it("tracks which of our prompts is running", () => {
    expect(runningAfter([ev("execution_start", { prompt_id: "p1" })], ours, null)).toBe("p1");
    expect(runningAfter([ev("execution_start", { prompt_id: "zz" })], ours, null)).toBeNull();
    expect(runningAfter([ev("executing", { prompt_id: "p1", node: null })], ours, "p1")).toBeNull();
    expect(runningAfter([ev("execution_interrupted", { prompt_id: "p1" })], ours, "p1")).toBeNull();
    expect(runningAfter([ev("executing", { prompt_id: "p1", node: "2" })], ours, "p1")).toBe("p1");
  });
});
