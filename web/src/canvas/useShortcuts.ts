/**
 * Keyboard shortcuts (ComfyUI's where it has them, listed in the help dialog). Ignored
 * while typing in a field, so Ctrl+Z there undoes text, not the graph.
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { cancelRunning, runBatch } from "../actions/run";
import { saveActive } from "../actions/files";
import {
  autoArrange, copySelected, deleteSelected, duplicateSelected, groupSelected, paste, redoEdit,
  setModeSelected, toggleCollapseSelected, undoEdit, useGraph,
} from "../store/graph-store";
import { togglePanel, useUI } from "../store/ui-store";
import { convertSelectionToSubgraph } from "../store/subgraph-actions";
import { defsNow } from "../store/catalogue-store";
import type { GraphEdge, GraphNode } from "../graph/types";
import { fitAll } from "./fit";
import type { MessageKey } from "../i18n";

/** [keys, what they do] as message keys (help dialog). */
export const SHORTCUTS: [MessageKey, MessageKey][] = [
  ["shortcut.0.keys", "shortcut.0.what"],
  ["shortcut.1.keys", "shortcut.1.what"],
  ["shortcut.2.keys", "shortcut.2.what"],
  ["shortcut.3.keys", "shortcut.3.what"],
  ["shortcut.4.keys", "shortcut.4.what"],
  ["shortcut.5.keys", "shortcut.5.what"],
  ["shortcut.6.keys", "shortcut.6.what"],
  ["shortcut.7.keys", "shortcut.7.what"],
  ["shortcut.8.keys", "shortcut.8.what"],
  ["shortcut.9.keys", "shortcut.9.what"],
  ["shortcut.10.keys", "shortcut.10.what"],
  ["shortcut.11.keys", "shortcut.11.what"],
  ["shortcut.12.keys", "shortcut.12.what"],
  ["shortcut.13.keys", "shortcut.13.what"],
  ["shortcut.14.keys", "shortcut.14.what"],
  ["shortcut.15.keys", "shortcut.15.what"],
  ["shortcut.16.keys", "shortcut.16.what"],
  ["shortcut.17.keys", "shortcut.17.what"],
  ["shortcut.18.keys", "shortcut.18.what"],
  ["shortcut.19.keys", "shortcut.19.what"],
  ["shortcut.20.keys", "shortcut.20.what"],
  ["shortcut.21.keys", "shortcut.21.what"],
  ["shortcut.22.keys", "shortcut.22.what"],
  ["shortcut.23.keys", "shortcut.23.what"],
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
        else void runBatch({ front: e.shiftKey });
        return;
      }
      const done = () => e.preventDefault();
      if (ctrl && k === "f" && !e.shiftKey) {
        useUI.setState({ find: true });
        return done();
      }
      if (typing(e.target)) return;
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
      else if (ctrl && e.shiftKey && k === "e") (convertSelectionToSubgraph(defsNow()), done());
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
      else if (e.key === "Escape") useUI.setState({ search: null, contextMenu: null, lightbox: null, find: false });
      else if (e.key === "Delete" || e.key === "Backspace") (deleteSelected(defsNow()), done());
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [flow, openSearchAtCenter]);
}
