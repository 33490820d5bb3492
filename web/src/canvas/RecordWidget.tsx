/**
 * RecordAudio's AUDIO_RECORD widget: record from the microphone (MediaRecorder), upload
 * the recording into input/ through /upload/image as ComfyUI's widget does, and keep its
 * name as the widget's value; the recording plays on the node.
 */
import { memo, useRef, useState } from "react";
import { uploadInto } from "../actions/upload";
import type { InputDef } from "../graph/types";
import { toast } from "../store/ui-store";
import { t } from "../i18n";
import { InputPreview } from "./UploadWidget";

export const RecordWidget = memo(function RecordWidget({ nodeId, input, value }: { nodeId: string; input: InputDef; value: unknown }) {
  const recorder = useRef<MediaRecorder | null>(null);
  const [recording, setRecording] = useState(false);
  const v = typeof value === "string" ? value : "";

  const start = async () => {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      toast(t("record.noMicrophone", { error: (e as Error).message }), "error");
      return;
    }
    const chunks: Blob[] = [];
    const rec = new MediaRecorder(stream);
    rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    rec.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      const type = rec.mimeType || "audio/webm";
      const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
      const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
      void uploadInto(nodeId, input.name, new File(chunks, `recording_${stamp}.${ext}`, { type }));
    };
    recorder.current = rec;
    rec.start();
    setRecording(true);
  };
  const stop = () => {
    recorder.current?.stop();
    recorder.current = null;
    setRecording(false);
  };

  return (
    <div className="kg-upload kg-record">
      <div className="kg-widget nodrag">
        <button type="button" className={`kg-record-button${recording ? " on" : ""}`} aria-pressed={recording} onClick={() => (recording ? stop() : void start())}>
          {recording ? `■ ${t("record.stop")}` : `● ${t("record.start")}`}
        </button>
        <span className="kg-record-name">{v || t("record.none")}</span>
      </div>
      {v && <InputPreview name={input.name} value={v} kind="audio" />}
    </div>
  );
});
