/**
 * A batch's results per item, for the gallery: GET /api/runs/{id} answers `items`
 * (see docs/api.md "Batches"): which ui entry of which output node came from which item,
 * each item's label (file name, line, CSV column) and the items that failed alone.
 * `galleryItems` turns that and the job's outputs into one card per item.
 */
import type { OutputImage } from "../graph/runtime-events";

export interface BatchError {
  item: number;
  node_id: string;
  class_type: string;
  message: string;
}

export interface BatchItems {
  total: number;
  source: string | null;
  labels: string[];
  /** node id -> ui key ("images", "videos", ...) -> the item of each entry, in order. */
  outputs: Record<string, Record<string, number[]>>;
  errors: BatchError[];
}

export interface GalleryMedia extends OutputImage {
  nodeId: string;
  kind: "image" | "video" | "audio" | "file";
}

export interface GalleryItem {
  index: number;
  label: string;
  media: GalleryMedia[];
  /** Text results (PreviewAny, a chat's answer) of this item. */
  texts: string[];
  errors: BatchError[];
}

const VIDEO = /\.(mp4|webm|mov|mkv)$/i;
const IMAGE = /\.(png|jpe?g|webp|gif|bmp)$/i;
const AUDIO = /\.(mp3|wav|flac|ogg|opus|m4a)$/i;

function kindOf(key: string, file: string): GalleryMedia["kind"] {
  if (VIDEO.test(file) || key === "videos") return "video";
  if (AUDIO.test(file) || key === "audio") return "audio";
  if (IMAGE.test(file)) return "image";
  return "file";
}

const isFile = (v: unknown): v is OutputImage =>
  typeof v === "object" && v !== null && typeof (v as OutputImage).filename === "string";

/** One card per item, in item order: its files from every output node and its errors. */
export function galleryItems(items: BatchItems, outputs: Record<string, Record<string, unknown>>): GalleryItem[] {
  const cards: GalleryItem[] = Array.from({ length: items.total }, (_, index) => ({
    index,
    label: items.labels[index] ?? "",
    media: [],
    texts: [],
    errors: [],
  }));
  for (const [nodeId, byKey] of Object.entries(items.outputs)) {
    for (const [key, owners] of Object.entries(byKey)) {
      const entries = outputs[nodeId]?.[key];
      if (!Array.isArray(entries)) continue;
      owners.forEach((item, i) => {
        const entry = entries[i];
        if (cards[item] && isFile(entry)) {
          cards[item].media.push({ ...entry, nodeId, kind: kindOf(key, entry.filename) });
        } else if (cards[item] && key === "text" && typeof entry === "string") {
          cards[item].texts.push(entry);
        }
      });
    }
  }
  for (const error of items.errors) cards[error.item]?.errors.push(error);
  return cards;
}
