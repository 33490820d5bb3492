/** The left sidebar: a rail of panel buttons and the open panel. */
import { togglePanel, useUI, type Panel } from "../store/ui-store";
import { HistoryPanel } from "./HistoryPanel";
import { NodeLibrary } from "./NodeLibrary";
import { QueuePanel } from "./QueuePanel";
import { SpendPanel } from "./SpendPanel";
import { TemplatesPanel } from "./TemplatesPanel";
import { WorkflowsPanel } from "./WorkflowsPanel";
import { t, type MessageKey } from "../i18n";

const PANELS: [Exclude<Panel, null>, string, MessageKey][] = [
  ["library", "▦", "panel.library"],
  ["queue", "☰", "panel.queue"],
  ["history", "⟲", "panel.history"],
  ["workflows", "▤", "panel.workflows"],
  ["templates", "★", "panel.templates"],
  ["spend", "¤", "panel.spend"],
];

export function Sidebar() {
  const panel = useUI((s) => s.panel);
  return (
    <aside className="kg-sidebar">
      <nav className="kg-rail" aria-label={t("panel.rail")}>
        {PANELS.map(([id, icon, label]) => (
          <button key={id} className={panel === id ? "active" : ""} aria-pressed={panel === id} aria-label={t(label)} title={t(label)} onClick={() => togglePanel(id)}>
            {icon}
          </button>
        ))}
      </nav>
      {panel && (
        <section className="kg-panel" aria-label={t(PANELS.find((p) => p[0] === panel)![2])}>
          {panel === "library" && <NodeLibrary />}
          {panel === "queue" && <QueuePanel />}
          {panel === "history" && <HistoryPanel />}
          {panel === "workflows" && <WorkflowsPanel />}
          {panel === "templates" && <TemplatesPanel />}
          {panel === "spend" && <SpendPanel />}
        </section>
      )}
    </aside>
  );
}
