/** Templates: shipped examples, node packs' examples and your own, opened in a new tab. */
import { useEffect, useState } from "react";
import { listTemplates, type TemplateEntry } from "../api/workflows";
import { openTemplate } from "../actions/files";
import { toast } from "../store/ui-store";
import { t as tr, type MessageKey } from "../i18n";

const SOURCES: Record<string, MessageKey> = { app: "templates.app", user: "templates.user" };

export function TemplatesPanel() {
  const [items, setItems] = useState<TemplateEntry[]>([]);
  useEffect(() => {
    listTemplates().then(setItems, (e: Error) => toast(`${tr("templates.title")}: ${e.message}`, "error"));
  }, []);
  const groups = new Map<string, TemplateEntry[]>();
  for (const t of items) groups.set(t.source, [...(groups.get(t.source) ?? []), t]);
  return (
    <div className="kg-templates">
      <h2>{tr("templates.title")}</h2>
      {[...groups].map(([source, list]) => (
        <section key={source}>
          <h3>{SOURCES[source] ? tr(SOURCES[source]) : tr("templates.pack", { name: source.replace(/^pack:/, "") })}</h3>
          <ul className="kg-list">
            {list.map((t) => (
              <li key={`${t.source}/${t.name}`}>
                <button className="kg-template" onClick={() => void openTemplate(t)}>
                  {t.name.replace(/\.workflow$/, "").replace(/_/g, " ")} <small>{t.format === "api" ? "API" : tr("templates.workflow")}</small>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {!items.length && <p className="empty">{tr("templates.none")}</p>}
    </div>
  );
}
