import { describe, expect, it } from "vitest";
import { emptyHistory, record, redo, undo } from "./history";
import type { Snapshot } from "./history";

const snap = (n: number): Snapshot => ({ nodes: Array.from({ length: n }, (_, i) => ({ id: String(i), type: "note", position: { x: 0, y: 0 }, data: { text: "", classType: "Note" } })), edges: [] });

describe("undo history", () => {
  it("undoes and redoes", () => {
    let h = record(emptyHistory(), snap(0));
    const u = undo(h, snap(1))!;
    expect(u.snapshot.nodes).toHaveLength(0);
    h = u.history;
    const r = redo(h, u.snapshot)!;
    expect(r.snapshot.nodes).toHaveLength(1);
    expect(undo(r.history, r.snapshot)!.snapshot.nodes).toHaveLength(0);
  });
  it("groups edits with the same key inside a second (typing is one step)", () => {
    let h = emptyHistory();
    h = record(h, snap(0), "w:1:text", 1000);
    h = record(h, snap(1), "w:1:text", 1500);
    h = record(h, snap(2), "w:1:text", 1900);
    expect(h.past).toHaveLength(1);
    h = record(h, snap(3), "w:1:text", 3500);
    expect(h.past).toHaveLength(2);
    h = record(h, snap(4), null, 3600);
    h = record(h, snap(5), null, 3601);
    expect(h.past).toHaveLength(4);
  });
  it("clears redo on a new edit", () => {
    let h = record(emptyHistory(), snap(0));
    h = undo(h, snap(1))!.history;
    expect(h.future).toHaveLength(1);
    h = record(h, snap(0));
    expect(h.future).toHaveLength(0);
  });
});
