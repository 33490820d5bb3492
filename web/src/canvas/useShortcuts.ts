/**
 * Keyboard shortcuts (ComfyUI's where it has them, listed in the help dialog). Ignored
 * while typing in a field, so Ctrl+Z there undoes text, not the graph.
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { cancelRunning, runGraph } from "../actions/run";
import { saveActive } from "../actions/files";
import {
  autoArrange, copySelected, duplicateSelected, groupSelected, paste, redoEdit,
  setModeSelected, toggleCollapseSelected, undoEdit, useGraph,
} from "../store/graph-store";
import { togglePanel, useUI } from "../store/ui-store";
import type { GraphEdge, GraphNode } from "../graph/types";
import { fitAll } from "./fit";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl+Enter", "Run (queue the graph)"],
  ["Ctrl+Shift+Enter", "Queue at the front"],
  ["Ctrl+Alt+Enter", "Interrupt the running job"],
  ["Double-click canvas, Tab or /", "Search and add a node"],
  ["Drag from a socket to empty space", "Add a node already wired to it"],
  ["Ctrl+Z / Ctrl+Y (Ctrl+Shift+Z)", "Undo / redo"],
  ["Ctrl+C / Ctrl+V", "Copy / paste (without input links)"],
  ["Ctrl+Shift+V", "Paste keeping input links"],
  ["Ctrl+D", "Duplicate the selection"],
  ["Delete / Backspace", "Delete the selection"],
  ["Ctrl+G", "Group the selection in a titled frame"],
  ["Ctrl+B / Ctrl+M", "Bypass / mute the selection"],
  ["Alt+C", "Collapse or expand the selection"],
  ["F2 or double-click a title", "Rename the selected node"],
  ["Shift+drag on canvas", "Box select"],
  ["Arrow keys", "Move the selected nodes"],
  ["Tab (on the canvas)", "Focus nodes in turn; Enter selects"],
  ["Shift+F10 or the ⋯ button", "Node menu: connect, bypass, mute, delete…"],
  [".", "Fit the view"],
  ["Ctrl+Shift+L", "Auto-arrange"],
  ["Ctrl+S", "Save to the server"],
  ["N / Q / H / W", "Node library / queue / history / workflows panel"],
  ["Ctrl+, / ?", "Settings / this help"],
];

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

export function useShortcuts(openSearchAtCenter: () => void): void {
  const flow = useReactFlow<GraphNode, GraphEdge>();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ctrl = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (ctrl && e.key === "Enter") {
        e.preventDefault();
        if (e.altKey) void cancelRunning();
        else void runGraph({ front: e.shiftKey });
        return;
      }
      if (typing(e.target)) return;
      const done = () => e.preventDefault();
      if (ctrl && k === "z") (e.shiftKey ? redoEdit() : undoEdit(), done());
      else if (ctrl && k === "y") (redoEdit(), done());
      else if (ctrl && k === "c") copySelected();
      else if (ctrl && k === "v") {
        // Workflow JSON on the clipboard is handled by the paste event; nodes here.
        if (localStorage.getItem("kg.clipboard")) (paste({ keepInputs: e.shiftKey }), done());
      } else if (ctrl && k === "d") (duplicateSelected(), done());
      else if (ctrl && k === "g") (groupSelected(), done());
      else if (ctrl && k === "b") (setModeSelected(4), done());
      else if (ctrl && k === "m") (setModeSelected(2), done());
      else if (ctrl && k === "s") (void saveActive(), done());
      else if (ctrl && e.shiftKey && k === "l") (autoArrange(), done());
      else if (ctrl && e.key === ",") (useUI.setState({ dialog: "settings" }), done());
      else if (e.altKey && k === "c") (toggleCollapseSelected(), done());
      else if (ctrl || e.altKey) return;
      else if (e.key === "F2") {
        const sel = useGraph.getState().nodes.find((n) => n.selected && n.type === "graph");
        if (sel) (useUI.setState({ renaming: sel.id }), done());
      } else if (e.key === "F10" && e.shiftKey) {
        const sel = useGraph.getState().nodes.find((n) => n.selected && n.type === "graph");
        if (sel) {
          const el = document.querySelector(`.react-flow__node[data-id="${sel.id}"]`)?.getBoundingClientRect();
          useUI.setState({ contextMenu: { nodeId: sel.id, x: el?.left ?? 100, y: el?.bottom ?? 100 } });
          done();
        }
      } else if (e.key === "/" || (e.key === "Tab" && (e.target as HTMLElement)?.classList?.contains("react-flow__pane"))) {
        openSearchAtCenter();
        done();
      } else if (e.key === ".") fitAll(flow, useGraph.getState().nodes, 200);
      else if (e.key === "?") useUI.setState({ dialog: "shortcuts" });
      else if (k === "n") togglePanel("library");
      else if (k === "q") togglePanel("queue");
      else if (k === "h") togglePanel("history");
      else if (k === "w") togglePanel("workflows");
      else if (e.key === "Escape") useUI.setState({ search: null, contextMenu: null, lightbox: null });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [flow, openSearchAtCenter]);
}
