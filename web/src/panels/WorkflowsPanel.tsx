/** Workflows saved on the server: open, rename, delete; save the active tab. */
import { useCallback, useEffect, useState } from "react";
import { deleteWorkflow, listWorkflows, renameWorkflow, type WorkflowEntry } from "../api/workflows";
import { openServerWorkflow, saveActive } from "../actions/files";
import { useGraph, updateTab } from "../store/graph-store";
import { toast } from "../store/ui-store";
import { t as tr } from "../i18n";

export function WorkflowsPanel() {
  const [items, setItems] = useState<WorkflowEntry[]>([]);
  const tabs = useGraph((s) => s.tabs);
  const refresh = useCallback(async () => {
    try {
      setItems(await listWorkflows());
    } catch (e) {
      toast(`${tr("workflows.title")}: ${(e as Error).message}`, "error");
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh, tabs]);
  const rename = async (w: WorkflowEntry) => {
    const to = window.prompt(tr("workflows.renameTo", { name: w.name }), w.name)?.trim();
    if (!to || to === w.name) return;
    try {
      const entry = await renameWorkflow(w.name, to);
      for (const t of useGraph.getState().tabs) if (t.savedName === w.name) updateTab(t.id, { savedName: entry.name, title: entry.name });
      await refresh();
    } catch (e) {
      toast(tr("workflows.renameFailed", { error: (e as Error).message }), "error");
    }
  };
  const remove = async (w: WorkflowEntry) => {
    if (!window.confirm(tr("workflows.deleteConfirm", { name: w.name }))) return;
    try {
      await deleteWorkflow(w.name);
      for (const t of useGraph.getState().tabs) if (t.savedName === w.name) updateTab(t.id, { savedName: null, dirty: true });
      await refresh();
    } catch (e) {
      toast(tr("workflows.deleteFailed", { error: (e as Error).message }), "error");
    }
  };
  return (
    <div className="kg-workflows">
      <h2>
        {tr("workflows.title")} <button className="kg-clear" onClick={() => void saveActive().then(refresh)}>{tr("workflows.saveCurrent")}</button>
      </h2>
      <ul className="kg-list" data-testid="workflow-list">
        {items.map((w) => (
          <li key={w.name} className="kg-workflow">
            <button className="kg-workflow-open" onClick={() => void openServerWorkflow(w.name)} title={new Date(w.modified * 1000).toLocaleString()}>
              {w.name}
            </button>
            <button onClick={() => void rename(w)} aria-label={tr("workflows.rename", { name: w.name })}>✎</button>
            <button onClick={() => void remove(w)} aria-label={tr("workflows.delete", { name: w.name })}>✕</button>
          </li>
        ))}
        {!items.length && <li className="empty">{tr("workflows.none")}</li>}
      </ul>
    </div>
  );
}
