/**
 * What a run left on a node: progress bar (transform: scaleX on one leaf), status text,
 * live preview, output images/videos with W×H (click for the lightbox), text outputs
 * and the error pinned to the node. Subscribes to this node's runtime slice only.
 */
import { memo, useState } from "react";
import { viewUrl } from "../api/files";
import type { OutputImage } from "../graph/runtime-events";
import { useNodeRuntime, useValidation } from "../store/runtime-store";
import { useUI } from "../store/ui-store";
import { t } from "../i18n";

export const NodeProgress = memo(function NodeProgress({ nodeId }: { nodeId: string }) {
  const frac = useNodeRuntime(nodeId, (r) => (r?.state === "running" && r.max ? Math.min(1, (r.value ?? 0) / r.max) : r?.state === "finished" ? 1 : 0));
  const text = useNodeRuntime(nodeId, (r) => r?.text);
  return (
    <>
      <div className="kg-progress" role="progressbar" aria-label={t("node.progress")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        {/* A transform only while it moves: an idle bar's scaleX(0) would make every node a paint layer. */}
        <div style={frac <= 0 ? { width: 0 } : frac < 1 ? { transform: `scaleX(${frac})` } : undefined} />
      </div>
      {text && <div className="kg-status-text">{text}</div>}
    </>
  );
});

function Media({ img }: { img: OutputImage }) {
  const [size, setSize] = useState<string>("");
  const url = viewUrl(img);
  const isVideo = /\.(mp4|webm|mov|mkv)$/i.test(img.filename);
  if (isVideo) {
    return (
      <figure className="kg-media">
        <video src={url} controls muted loop playsInline preload="metadata" onLoadedMetadata={(e) => setSize(`${e.currentTarget.videoWidth}×${e.currentTarget.videoHeight}`)} />
        <figcaption>{size}</figcaption>
      </figure>
    );
  }
  return (
    <figure className="kg-media">
      <button type="button" className="kg-media-open nodrag" onClick={() => useUI.setState({ lightbox: url })} aria-label={t("output.open", { name: img.filename })}>
        <img src={viewUrl(img, true)} alt={img.filename} loading="lazy" decoding="async" onLoad={(e) => setSize(`${e.currentTarget.naturalWidth}×${e.currentTarget.naturalHeight}`)} />
      </button>
      <figcaption>{size}</figcaption>
    </figure>
  );
}

/** ImageCompare: image B under image A, a slider reveals A from the left. */
function Compare({ a, b }: { a: OutputImage; b: OutputImage }) {
  const [split, setSplit] = useState(50);
  return (
    <figure className="kg-compare nodrag">
      <div className="kg-compare-view">
        <img src={viewUrl(b)} alt={t("output.compareB")} />
        <img src={viewUrl(a)} alt={t("output.compareA")} style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }} />
      </div>
      <input type="range" min={0} max={100} value={split} aria-label={t("output.compareSlider")} onChange={(e) => setSplit(Number(e.target.value))} />
    </figure>
  );
}

export const NodeOutputs = memo(function NodeOutputs({ nodeId }: { nodeId: string }) {
  const output = useNodeRuntime(nodeId, (r) => r?.output);
  const preview = useNodeRuntime(nodeId, (r) => r?.preview);
  const media = [...(output?.images ?? []), ...(output?.gifs ?? []), ...(output?.videos ?? [])];
  const audio = output?.audio ?? [];
  const compare = output?.a_images?.[0] && output?.b_images?.[0] ? { a: output.a_images[0], b: output.b_images[0] } : null;
  const text = output?.text;
  if (!media.length && !preview && !text && !audio.length && !compare) return null;
  return (
    <div className="kg-outputs">
      {compare && <Compare a={compare.a} b={compare.b} />}
      {audio.map((f) => (
        <audio key={`${f.subfolder}/${f.filename}`} className="nodrag" controls preload="metadata" src={viewUrl(f)} aria-label={f.filename} />
      ))}
      {preview && (
        <figure className="kg-media">
          <img src={preview} alt={t("output.livePreview")} />
          <figcaption>{t("output.preview")}</figcaption>
        </figure>
      )}
      {!preview && media.slice(0, 4).map((img) => <Media key={`${img.subfolder}/${img.filename}`} img={img} />)}
      {media.length > 4 && <div className="kg-more">{t("output.more", { count: media.length - 4 })}</div>}
      {Array.isArray(text) && <pre className="kg-text-output nowheel">{text.map(String).join("\n")}</pre>}
    </div>
  );
});

export const NodeError = memo(function NodeError({ nodeId }: { nodeId: string }) {
  const error = useNodeRuntime(nodeId, (r) => (r?.state === "error" ? r.error : undefined));
  const validation = useValidation(nodeId);
  if (!error && !validation) return null;
  return (
    <div className="kg-node-error" role="alert">
      {error && (
        <>
          <strong>{error.type || t("output.error")}</strong>: {error.message}
          {error.traceback.length > 0 && (
            <details className="nodrag nowheel">
              <summary>{t("output.traceback")}</summary>
              <pre>{error.traceback.join("")}</pre>
            </details>
          )}
        </>
      )}
      {validation?.map((m) => <div key={m}>{m}</div>)}
    </div>
  );
});
