/**
 * Start-up: restore every tab from the last session, load the node catalogue, open
 * the WebSocket, start autosaving, render. `window.__app` exposes the stores to the
 * end-to-end tests and the benchmark (assert on the model, not on pixels).
 */
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/base.css";
import "./styles.css";
import { connectSocket } from "./api/socket";
import { clientId, currentWorkflow, runGraph } from "./actions/run";
import { isFirstVisit, openFirstVisit, openResult } from "./actions/files";
import { t, useLang } from "./i18n";
import { App } from "./App";
import { importDocument } from "./graph/import-document";
import { toPrompt } from "./graph/prompt";
import { defsNow, loadCatalogue, localiseCatalogue, useCatalogue } from "./store/catalogue-store";
import * as graph from "./store/graph-store";
import * as subgraphs from "./store/subgraph-actions";
import { restore, save, startAutosave } from "./store/persistence";
import { applyEvents, followTabs, useRuntimeStore } from "./store/runtime-store";
import { toast, useUI } from "./store/ui-store";

// Tabs come back once the node catalogue is known (nodes need their definitions); a
// first visit gets a default workflow that runs offline and a hint.
void loadCatalogue(useLang.getState().lang).then(async (defs) => {
  const restored = await restore(defs);
  if (restored === "server") toast(t("restore.fromServer", { count: graph.useGraph.getState().tabs.length }));
  if (!restored && (await isFirstVisit())) await openFirstVisit();
  useUI.setState({ ready: true });
  startAutosave();
});
connectSocket({
  clientId,
  onEvents: applyEvents,
  onOpen: () => useRuntimeStore.setState({ connected: true }),
  onClose: () => useRuntimeStore.setState({ connected: false }),
});
const follow = (s: ReturnType<typeof graph.useGraph.getState>) => followTabs(s.activeTab, s.tabs.map((t) => t.id));
follow(graph.useGraph.getState());
graph.useGraph.subscribe((s, prev) => { if (s.activeTab !== prev.activeTab || s.tabs !== prev.tabs) follow(s); });
useRuntimeStore.subscribe((s, prev) => {
  if (s.lastError && s.lastError !== prev.lastError) toast(t("run.nodeFailed", { type: s.lastError.nodeType, id: s.lastError.nodeId, message: s.lastError.message }), "error");
});

declare global {
  interface Window {
    __app: unknown;
  }
}
window.__app = {
  graph: graph.useGraph,
  actions: graph,
  runtime: useRuntimeStore,
  runNodes: () => { const r = useRuntimeStore.getState(); return r.tabs[r.active]?.nodes ?? {}; },
  ui: useUI,
  catalogue: useCatalogue,
  run: runGraph,
  save,
  workflow: currentWorkflow,
  prompt: () => toPrompt(graph.rootContent(), defsNow()),
  subgraphs,
  load: (doc: unknown, title = "Loaded") => openResult(importDocument(doc, defsNow()), title),
};

useLang.subscribe((s, prev) => { if (s.lang !== prev.lang) localiseCatalogue(s.lang); });
// A language switch remounts the UI, so every string (memoised nodes too) is redrawn.
function Root() {
  const lang = useLang((s) => s.lang);
  return <App key={lang} />;
}
document.documentElement.lang = useLang.getState().lang === "zh" ? "zh-CN" : "en";
createRoot(document.getElementById("root")!).render(<Root />);
