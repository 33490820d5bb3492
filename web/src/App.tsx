/** The app shell: top bar, sidebar, canvas and the overlays. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect } from "react";
import { Canvas } from "./canvas/Canvas";
import { NodeMenu } from "./canvas/NodeMenu";
import { SearchBox } from "./canvas/SearchBox";
import { BatchGallery } from "./panels/BatchGallery";
import { Lightbox } from "./panels/Lightbox";
import { MaskEditor } from "./panels/MaskEditor";
import { SettingsDialog } from "./panels/SettingsDialog";
import { ShortcutsDialog } from "./panels/ShortcutsDialog";
import { Sidebar } from "./panels/Sidebar";
import { Toasts } from "./panels/Toasts";
import { TopBar } from "./panels/TopBar";
import { FirstVisitHint } from "./panels/FirstVisitHint";
import { FindBox } from "./canvas/FindBox";
import { useCatalogue } from "./store/catalogue-store";
import { useUI } from "./store/ui-store";
import { t } from "./i18n";

export function App() {
  const theme = useUI((s) => s.prefs.theme);
  const loaded = useCatalogue((s) => s.loaded);
  const ready = useUI((s) => s.ready);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <ReactFlowProvider>
      <div className="kg-app" data-ready={loaded && ready ? "true" : "false"}>
        <TopBar />
        <div className="kg-main">
          <Sidebar />
          <main className="kg-canvas-area" aria-label={t("app.canvas")}>
            <Canvas />
            <FirstVisitHint />
            <FindBox />
          </main>
        </div>
        <SearchBox />
        <NodeMenu />
        <SettingsDialog />
        <ShortcutsDialog />
        <Lightbox />
        <BatchGallery />
        <MaskEditor />
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}
