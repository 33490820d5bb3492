/** GET /object_info: the node catalogue. */
import { parseObjectInfo } from "../graph/object-info";
import type { PackLocales } from "../graph/node-locales";
import type { NodeDefs } from "../graph/types";
import { request } from "./http";

/** GET /i18n: packs' translations, ComfyUI's shape ({lang: {nodeDefs, ...}}). */
export const fetchPackLocales = () => request<PackLocales>("/i18n");

export async function fetchNodeDefs(): Promise<NodeDefs> {
  return parseObjectInfo(await request<Record<string, unknown>>("/object_info"));
}
