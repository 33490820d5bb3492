import { describe, expect, it } from "vitest";
import { initialRuntime, reduceRuntime, type RuntimeEvent } from "./runtime-events";

const ev = (type: string, data: Record<string, unknown> = {}): RuntimeEvent => ({ type, data: { prompt_id: "p1", ...data } });
const run = (events: RuntimeEvent[]) => reduceRuntime(initialRuntime, events);

describe("WebSocket event reducer (message orders of comfy-compat §2.4)", () => {
  it("follows a two-node run", () => {
    const s = run([
      { type: "status", data: { status: { exec_info: { queue_remaining: 1 } } } },
      ev("execution_start"),
      ev("execution_cached", { nodes: [] }),
      ev("progress_state", { nodes: { "1": { value: 0, max: 1, state: "running", node_id: "1", display_node_id: "1" } } }),
      ev("executing", { node: "1", display_node: "1" }),
      ev("progress", { node: "1", value: 3, max: 4 }),
    ]);
    expect(s.running).toBe("p1");
    expect(s.nodes["1"]).toMatchObject({ state: "running", value: 3, max: 4 });
    const done = reduceRuntime(s, [
      ev("progress_state", { nodes: { "1": { value: 1, max: 1, state: "finished", node_id: "1" } } }),
      ev("executing", { node: "2", display_node: "2" }),
      ev("executed", { node: "2", output: { images: [{ filename: "a.png", subfolder: "", type: "output" }] } }),
      ev("execution_success"),
      { type: "status", data: { status: { exec_info: { queue_remaining: 0 } } } },
      ev("executing", { node: null }),
    ]);
    expect(done.running).toBeNull();
    expect(done.nodes["1"].state).toBe("finished");
    expect(done.nodes["2"].output?.images?.[0].filename).toBe("a.png");
    expect(done.lastDone).toEqual({ promptId: "p1", status: "success" });
    expect(done.queueRemaining).toBe(0);
  });

  it("marks cached nodes and keeps the mark through progress_state", () => {
    const s = run([ev("execution_start"), ev("execution_cached", { nodes: ["1", "2"] }), ev("progress_state", { nodes: { "1": { state: "finished", node_id: "1", value: 1, max: 1 } } })]);
    expect(s.nodes["1"].state).toBe("cached");
    expect(s.nodes["2"].state).toBe("cached");
  });

  it("marks nodes served from the paid-result store, until the next run, and shows a failed item", () => {
    const s = run([ev("execution_start"), ev("execution_stored", { nodes: ["3"], items: 4, total: 5 }),
      ev("execution_item_error", { node_id: "3", item: 2, total: 5, exception_message: "item 3 of 5 (a mug): boom" })]);
    expect(s.nodes["3"].stored).toEqual({ items: 4, total: 5 });
    expect(s.nodes["3"].text).toBe("item 3 of 5 (a mug): boom");
    expect(reduceRuntime(s, [ev("execution_start")]).nodes["3"].stored).toBeUndefined();
  });

  it("shows expansion ids on their display node", () => {
    const s = run([ev("execution_start"), ev("executing", { node: "2.0.0.3", display_node: "2" })]);
    expect(s.nodes["2"].state).toBe("running");
    expect(s.nodes["2.0.0.3"]).toBeUndefined();
  });

  it("pins an error on the failing node", () => {
    const s = run([ev("execution_start"), ev("executing", { node: "2" }), ev("execution_error", { node_id: "2", node_type: "TestFail", exception_message: "boom", exception_type: "RuntimeError", traceback: ["tb"] })]);
    expect(s.nodes["2"].state).toBe("error");
    expect(s.nodes["2"].error?.message).toBe("boom");
    expect(s.lastError).toMatchObject({ nodeId: "2", message: "boom" });
  });

  it("leaves an interrupted note on the running node", () => {
    const s = run([ev("execution_start"), ev("executing", { node: "2" }), ev("execution_interrupted", { node_id: "2" }), ev("executing", { node: null })]);
    expect(s.nodes["2"].state).toBe("interrupted");
    expect(run([ev("execution_start"), ev("executing", { node: "2" }), ev("execution_interrupted", { node_id: "2" }), ev("execution_start")]).nodes["2"].state).toBeUndefined();
    expect(s.lastDone?.status).toBe("interrupted");
    expect(s.running).toBeNull();
  });

  it("handles a reconnect executing without prompt_id", () => {
    const s = reduceRuntime(initialRuntime, [{ type: "executing", data: { node: "3" } }]);
    expect(s.nodes["3"].state).toBe("running");
  });

  it("keeps untouched node objects and the state itself when nothing changes", () => {
    const s = run([ev("execution_start"), ev("progress", { node: "1", value: 1, max: 10 }), ev("progress", { node: "2", value: 1, max: 10 })]);
    const t = reduceRuntime(s, [ev("progress", { node: "1", value: 2, max: 10 })]);
    expect(t.nodes["2"]).toBe(s.nodes["2"]);
    expect(t.nodes["1"]).not.toBe(s.nodes["1"]);
    expect(reduceRuntime(t, [ev("progress", { node: "1", value: 2, max: 10 })])).toBe(t);
  });

  it("folds a burst of progress into one state", () => {
    const burst = Array.from({ length: 1000 }, (_, i) => ev("progress", { node: "1", value: i + 1, max: 1000 }));
    const s = run([ev("execution_start"), ...burst]);
    expect(s.nodes["1"]).toMatchObject({ value: 1000, max: 1000 });
  });

  it("keeps outputs and previews across a new run (undo never clears previews)", () => {
    const s = run([ev("executed", { node: "2", output: { images: [{ filename: "a.png", subfolder: "", type: "output" }] } }), { type: "b_preview", data: { nodeId: "3", url: "blob:x" } }]);
    const t = reduceRuntime(s, [ev("execution_start", { prompt_id: "p2" })]);
    expect(t.nodes["2"].output?.images).toHaveLength(1);
    expect(t.nodes["3"].preview).toBe("blob:x");
  });
});
