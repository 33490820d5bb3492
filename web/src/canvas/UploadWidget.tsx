/** Media loader widget: the file combo, an Upload button, and a thumbnail of the chosen file. */
import { memo, useRef, useState } from "react";
import { inputFileUrl } from "../api/files";
import { uploadInto } from "../actions/upload";
import type { InputDef } from "../graph/types";
import { ComboWidget } from "./ComboWidget";
import { t } from "../i18n";
import { useUI } from "../store/ui-store";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
  lod: boolean;
}

export const UploadWidget = memo(function UploadWidget({ nodeId, input, value, disabled, lod }: Props) {
  const file = useRef<HTMLInputElement>(null);
  const [uploaded, setUploaded] = useState<string[]>([]);
  const v = typeof value === "string" ? value : "";
  return (
    <div className="kg-upload">
      <ComboWidget nodeId={nodeId} input={input} value={value} disabled={disabled} extraChoices={uploaded} />
      <div className="kg-widget nodrag">
        <button type="button" className="kg-upload-button" disabled={disabled} onClick={() => file.current?.click()} aria-label={t("upload.named", { name: input.name })}>
          ⬆ {t("upload.button")}
        </button>
        <input
          ref={file}
          type="file"
          hidden
          accept={input.upload === "video" ? "video/*,image/*" : "image/*"}
          data-testid={`upload-${nodeId}`}
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = "";
            if (!f) return;
            const name = await uploadInto(nodeId, input.name, f);
            if (name) setUploaded((u) => [...u, name]);
          }}
        />
        {input.upload === "image" && v && (
          <button type="button" disabled={disabled} onClick={() => useUI.setState({ maskEditor: { nodeId, input: input.name, value: v } })}>
            {t("mask.open")}
          </button>
        )}
      </div>
      {v && !lod && <img className="kg-thumb" src={inputFileUrl(v)} alt={`${input.name}: ${v}`} loading="lazy" />}
    </div>
  );
});
