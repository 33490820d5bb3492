/** Videos and sounds a finished job wrote, playable in the history list: SaveVideo's
 * "images" entries that are videos ({"animated": [true]}), our older "videos" entries,
 * and SaveAudio's "audio" entries. Pictures stay thumbnails on the item itself. */
import { viewUrl } from "../api/files";
import type { OutputImage } from "../graph/runtime-events";

type Outputs = Record<string, Record<string, unknown>> | undefined;

const VIDEO = /\.(mp4|webm|mov|mkv|m4v)$/i;
const files = (v: unknown): OutputImage[] => (Array.isArray(v) ? v.filter((f): f is OutputImage => !!f && typeof f === "object" && typeof (f as OutputImage).filename === "string") : []);

export function jobMedia(outputs: Outputs): { videos: OutputImage[]; audio: OutputImage[] } {
  const videos: OutputImage[] = [];
  const audio: OutputImage[] = [];
  for (const ui of Object.values(outputs ?? {})) {
    videos.push(...files(ui.images).filter((f) => VIDEO.test(f.filename)), ...files(ui.videos), ...files(ui.gifs).filter((f) => VIDEO.test(f.filename)));
    audio.push(...files(ui.audio));
  }
  return { videos: videos.slice(0, 2), audio: audio.slice(0, 2) };
}

export function HistoryMedia({ outputs }: { outputs: Outputs }) {
  const { videos, audio } = jobMedia(outputs);
  if (!videos.length && !audio.length) return null;
  return (
    <div className="kg-history-media">
      {videos.map((f) => <video key={`${f.subfolder}/${f.filename}`} src={viewUrl(f)} controls muted playsInline preload="metadata" aria-label={f.filename} />)}
      {audio.map((f) => <audio key={`${f.subfolder}/${f.filename}`} src={viewUrl(f)} controls preload="metadata" aria-label={f.filename} />)}
    </div>
  );
}
