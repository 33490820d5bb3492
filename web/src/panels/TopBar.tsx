/** The top bar: tabs (every open workflow), file actions, Run, and the theme/settings/help buttons. */
import { cancelRunning, runBatch, runSelectedOutputs } from "../actions/run";
import { exportApi, exportWorkflow, openFile, requestCloseTab, saveActive } from "../actions/files";
import { usePresence } from "../store/presence";
import { useCatalogue } from "../store/catalogue-store";
import { autoArrange, newTab, redoEdit, switchTab, undoEdit, useGraph } from "../store/graph-store";
import { useRuntimeStore } from "../store/runtime-store";
import { setPrefs, useUI } from "../store/ui-store";
import { useRef } from "react";
import { useT } from "../i18n";
import { BatchChip } from "./BatchGallery";
import { EstimateChip } from "./EstimateChip";

export function TopBar() {
  const tr = useT();
  const tabs = useGraph((s) => s.tabs);
  const active = useGraph((s) => s.activeTab);
  const running = useRuntimeStore((s) => s.running !== null);
  const queued = useRuntimeStore((s) => s.queueRemaining);
  const connected = useRuntimeStore((s) => s.connected);
  const theme = useUI((s) => s.prefs.theme);
  const file = useRef<HTMLInputElement>(null);
  const others = usePresence((s) => s.others);
  const batch = useUI((s) => s.batch);
  const defs = useCatalogue((s) => s.defs);
  const outputsSelected = useGraph((s) => s.nodes.filter((n) => n.selected && n.type === "graph" && defs[n.data.classType]?.outputNode).length);
  return (
    <header className="kg-topbar">
      <div className="kg-brand" title={tr("app.brandFull")}>{tr("app.brand")}</div>
      <nav className="kg-tabs" role="tablist" aria-label={tr("tabs.label")}>
        {tabs.map((t) => (
          <div key={t.id} className={`kg-tab${t.id === active ? " active" : ""}`}>
            <button role="tab" aria-selected={t.id === active} onClick={() => switchTab(t.id)} title={t.savedName ? tr("tab.savedAs", { name: t.savedName }) : tr("tab.notSaved")}>
              {t.title}
              {t.dirty && <span className="kg-dirty" aria-label={tr("tab.unsaved")}>●</span>}
              {t.savedName && others[t.savedName] && (
                <span className={`kg-elsewhere ${others[t.savedName]}`} data-testid="open-elsewhere"
                  title={others[t.savedName] === "editing" ? tr("tab.otherEditing", { name: t.savedName }) : tr("tab.otherOpen")}>⚠</span>
              )}
            </button>
            <button className="kg-tab-close" aria-label={tr("tab.close", { name: t.title })} onClick={() => requestCloseTab(t.id)}>
              ×
            </button>
          </div>
        ))}
        <button className="kg-tab-new" aria-label={tr("tab.new")} onClick={newTab}>
          +
        </button>
      </nav>
      <div className="kg-actions">
        <button onClick={undoEdit} aria-label={tr("top.undo")} title={tr("top.undoTip")}>↶</button>
        <button onClick={redoEdit} aria-label={tr("top.redo")} title={tr("top.redoTip")}>↷</button>
        <button onClick={autoArrange} title={tr("top.arrangeTip")}>{tr("top.arrange")}</button>
        <button onClick={() => void saveActive()} title={tr("top.saveTip")}>{tr("top.save")}</button>
        <button onClick={() => { const n = window.prompt(tr("save.prompt")); if (n?.trim()) void saveActive(n.trim()); }}>{tr("top.saveAs")}</button>
        <button onClick={() => file.current?.click()} title={tr("top.importTip")}>{tr("top.import")}</button>
        <input ref={file} type="file" hidden accept=".json,.png,.webp,application/json,image/png,image/webp" data-testid="import-file"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void openFile(f); }} />
        <button onClick={exportWorkflow} title={tr("top.exportTip")}>{tr("top.export")}</button>
        <button onClick={exportApi} title={tr("top.exportApiTip")}>{tr("top.exportApi")}</button>
        <span className={`kg-conn${connected ? " on" : ""}`} title={connected ? tr("conn.ok") : tr("conn.retry")} aria-label={connected ? tr("conn.on") : tr("conn.off")} />
        {running && <button className="kg-stop" onClick={() => void cancelRunning()} title={tr("top.stopTip")}>■ {tr("top.stop")}</button>}
        {outputsSelected > 0 && (
          <button onClick={() => void runSelectedOutputs()} title={tr("run.selectedTip")}>▶ {tr("run.selected", { count: outputsSelected })}</button>
        )}
        <input className="kg-batch" type="number" min={1} max={100} value={batch} aria-label={tr("run.batch")} title={tr("run.batch")}
          onChange={(e) => useUI.setState({ batch: Math.max(1, Math.min(100, Math.round(Number(e.target.value)) || 1)) })} />
        <EstimateChip />
        <BatchChip />
        <button className="kg-run" onClick={() => void runBatch()} title={tr("top.runTip")}>
          ▶ {tr("top.run")}{queued > 0 ? ` (${queued})` : ""}
        </button>
        <button onClick={() => setPrefs({ theme: theme === "dark" ? "light" : "dark" })} aria-label={theme === "dark" ? tr("top.lightTheme") : tr("top.darkTheme")}>
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <button onClick={() => useUI.setState({ dialog: "settings" })} aria-label={tr("top.settings")}>⚙</button>
        <button onClick={() => useUI.setState({ dialog: "shortcuts" })} aria-label={tr("help.title")}>?</button>
      </div>
    </header>
  );
}
