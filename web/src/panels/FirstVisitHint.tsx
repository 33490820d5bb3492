/** The one-line first-visit hint: how to add nodes and run. Gone after the first edit or ×. */
import { useEffect } from "react";
import { useT } from "../i18n";
import { useGraph } from "../store/graph-store";
import { useUI } from "../store/ui-store";

export function FirstVisitHint() {
  const t = useT();
  const hint = useUI((s) => s.hint);
  useEffect(() => {
    if (!hint) return;
    return useGraph.subscribe((s, prev) => {
      if (s.history !== prev.history && s.history.past.length) useUI.setState({ hint: false });
    });
  }, [hint]);
  if (!hint) return null;
  return (
    <div className="kg-first-hint" role="note">
      <span>{t("hint.firstVisit")}</span>
      <button type="button" onClick={() => useUI.setState({ hint: false })} aria-label={t("common.dismiss")}>×</button>
    </div>
  );
}
