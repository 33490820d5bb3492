/** Media loader widget: the file combo, an Upload button, and a preview of the chosen
 * file: a thumbnail for images, a player for videos and sounds (LoadVideo, LoadAudio). */
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

const VIDEO = /\.(mp4|webm|mov|mkv|m4v)$/i;
const AUDIO = /\.(wav|mp3|flac|ogg|opus|m4a|aac)$/i;
const ACCEPT = { image: "image/*", video: "video/*,image/*", audio: "audio/*,video/*" } as const;

/** A preview of an input-folder file: picture, video or sound player (an audio loader plays a video's sound). */
export function InputPreview({ name, value, kind }: { name: string; value: string; kind: InputDef["upload"] }) {
  const url = inputFileUrl(value);
  if (kind === "audio" || AUDIO.test(value)) return <audio className="kg-input-audio nodrag" controls preload="metadata" src={url} aria-label={`${name}: ${value}`} />;
  if (VIDEO.test(value)) return <video className="kg-thumb kg-input-video nodrag" controls muted loop playsInline preload="metadata" src={url} aria-label={`${name}: ${value}`} />;
  return <img className="kg-thumb" src={url} alt={`${name}: ${value}`} loading="lazy" />;
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
          accept={ACCEPT[input.upload ?? "image"]}
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
      {v && !lod && <InputPreview name={input.name} value={v} kind={input.upload} />}
    </div>
  );
});
