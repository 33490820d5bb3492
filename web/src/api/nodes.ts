/** GET /object_info: the node catalogue. */
import { parseObjectInfo } from "../graph/object-info";
import type { NodeDefs } from "../graph/types";
import { request } from "./http";

export async function fetchNodeDefs(): Promise<NodeDefs> {
  return parseObjectInfo(await request<Record<string, unknown>>("/object_info"));
}
