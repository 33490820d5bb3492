/** Every store of the canvas, as one set: `createStores()` makes an independent set (a
 * test, or a second canvas on the page) to pass to <StoresContext.Provider value={...}>
 * or to `withStores`. The app's own set is made when the store modules load. */
import { createLangStore } from "../i18n";
import { createCatalogueStore } from "./catalogue-store";
import { createGalleryStore } from "./gallery-store";
import { createGraphStore } from "./graph-store";
import { createPresenceStore } from "./presence";
import { createRuntimeStore } from "./runtime-store";
import type { StoreSet } from "./scope";
import { createUIStore } from "./ui-store";

export { StoresContext, withStores } from "./scope";

export function createStores(): StoreSet & {
  graph: ReturnType<typeof createGraphStore>;
  ui: ReturnType<typeof createUIStore>;
  catalogue: ReturnType<typeof createCatalogueStore>;
  runtime: ReturnType<typeof createRuntimeStore>;
  presence: ReturnType<typeof createPresenceStore>;
  lang: ReturnType<typeof createLangStore>;
  gallery: ReturnType<typeof createGalleryStore>;
} {
  return {
    graph: createGraphStore(),
    ui: createUIStore(),
    catalogue: createCatalogueStore(),
    runtime: createRuntimeStore(),
    presence: createPresenceStore(),
    lang: createLangStore(),
    gallery: createGalleryStore(),
  } as never;
}
