/** The top bar: tabs (every open workflow), file actions, Run, and the theme/settings/help buttons. */
import { cancelRunning, runGraph } from "../actions/run";
import { exportApi, exportWorkflow, openFile, requestCloseTab, saveActive } from "../actions/files";
import { usePresence } from "../store/presence";
import { autoArrange, newTab, redoEdit, switchTab, undoEdit, useGraph } from "../store/graph-store";
import { useRuntimeStore } from "../store/runtime-store";
import { setPrefs, useUI } from "../store/ui-store";
import { useRef } from "react";
import { useT } from "../i18n";

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
  return (
    <header className="kg-topbar">
      <div className="kg-brand" title="Keroro Graph 作战室">Keroro Graph</div>
      <nav className="kg-tabs" role="tablist" aria-label="Open workflows">
        {tabs.map((t) => (
          <div key={t.id} className={`kg-tab${t.id === active ? " active" : ""}`}>
            <button role="tab" aria-selected={t.id === active} onClick={() => switchTab(t.id)} title={t.savedName ? `Saved as ${t.savedName}` : "Not saved on the server"}>
              {t.title}
              {t.dirty && <span className="kg-dirty" aria-label="unsaved changes">●</span>}
              {t.savedName && others[t.savedName] && (
                <span className={`kg-elsewhere ${others[t.savedName]}`} data-testid="open-elsewhere"
                  title={others[t.savedName] === "editing" ? tr("tab.otherEditing", { name: t.savedName }) : tr("tab.otherOpen")}>⚠</span>
              )}
            </button>
            <button className="kg-tab-close" aria-label={`Close ${t.title}`} onClick={() => requestCloseTab(t.id)}>
              ×
            </button>
          </div>
        ))}
        <button className="kg-tab-new" aria-label="New tab" onClick={newTab}>
          +
        </button>
      </nav>
      <div className="kg-actions">
        <button onClick={undoEdit} aria-label="Undo" title="Undo (Ctrl+Z)">↶</button>
        <button onClick={redoEdit} aria-label="Redo" title="Redo (Ctrl+Y)">↷</button>
        <button onClick={autoArrange} title="Auto-arrange (Ctrl+Shift+L)">Arrange</button>
        <button onClick={() => void saveActive()} title="Save to the server (Ctrl+S)">Save</button>
        <button onClick={() => { const n = window.prompt(tr("save.prompt")); if (n?.trim()) void saveActive(n.trim()); }}>Save as…</button>
        <button onClick={() => file.current?.click()} title="Open a workflow JSON or an image carrying one">Import…</button>
        <input ref={file} type="file" hidden accept=".json,.png,.webp,application/json,image/png,image/webp" data-testid="import-file"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ""; if (f) void openFile(f); }} />
        <button onClick={exportWorkflow} title="Download the workflow (ComfyUI UI format)">Export</button>
        <button onClick={exportApi} title="Download the API (prompt) format">Export API</button>
        <span className={`kg-conn${connected ? " on" : ""}`} title={connected ? "Connected to the server" : "Reconnecting…"} aria-label={connected ? "connected" : "disconnected"} />
        {running && <button className="kg-stop" onClick={() => void cancelRunning()} title="Interrupt (Ctrl+Alt+Enter)">■ Stop</button>}
        <button className="kg-run" onClick={() => void runGraph()} title="Run (Ctrl+Enter)">
          ▶ Run{queued > 0 ? ` (${queued})` : ""}
        </button>
        <button onClick={() => setPrefs({ theme: theme === "dark" ? "light" : "dark" })} aria-label={`Switch to ${theme === "dark" ? "light" : "dark"} theme`}>
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <button onClick={() => useUI.setState({ dialog: "settings" })} aria-label="Settings">⚙</button>
        <button onClick={() => useUI.setState({ dialog: "shortcuts" })} aria-label="Keyboard shortcuts">?</button>
      </div>
    </header>
  );
}
