/** Uploading a file into a loader node's combo (button, drop onto the node, paste). */
import { uploadImage } from "../api/files";
import { setWidget } from "../store/graph-store";
import { toast } from "../store/ui-store";
import { t } from "../i18n";

export async function uploadInto(nodeId: string, input: string, file: File): Promise<string | null> {
  if (!/^(image|video|audio)\//.test(file.type)) {
    toast(t("upload.notImage", { name: file.name }), "error");
    return null;
  }
  try {
    const res = await uploadImage(file, file.name || `pasted-${Date.now()}.png`);
    const value = res.subfolder ? `${res.subfolder}/${res.name}` : res.name;
    setWidget(nodeId, input, value, false);
    return value;
  } catch (e) {
    toast(t("upload.failed", { error: (e as Error).message }), "error");
    return null;
  }
}
