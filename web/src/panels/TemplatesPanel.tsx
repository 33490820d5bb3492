/** Templates: shipped examples, node packs' examples and your own, opened in a new tab. */
import { useEffect, useState } from "react";
import { listTemplates, type TemplateEntry } from "../api/workflows";
import { openTemplate } from "../actions/files";
import { toast } from "../store/ui-store";

const SOURCES: Record<string, string> = { app: "Examples", user: "Yours" };

export function TemplatesPanel() {
  const [items, setItems] = useState<TemplateEntry[]>([]);
  useEffect(() => {
    listTemplates().then(setItems, (e: Error) => toast(`Templates: ${e.message}`, "error"));
  }, []);
  const groups = new Map<string, TemplateEntry[]>();
  for (const t of items) groups.set(t.source, [...(groups.get(t.source) ?? []), t]);
  return (
    <div className="kg-templates">
      <h2>Templates</h2>
      {[...groups].map(([source, list]) => (
        <section key={source}>
          <h3>{SOURCES[source] ?? source.replace(/^pack:/, "Pack: ")}</h3>
          <ul className="kg-list">
            {list.map((t) => (
              <li key={`${t.source}/${t.name}`}>
                <button className="kg-template" onClick={() => void openTemplate(t)}>
                  {t.name.replace(/\.workflow$/, "").replace(/_/g, " ")} <small>{t.format === "api" ? "API" : "workflow"}</small>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {!items.length && <p className="empty">No templates</p>}
    </div>
  );
}
