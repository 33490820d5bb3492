/**
 * The gallery of a batch's results: one card per item (its number and label — file
 * name, line or CSV column — its thumbnails, its text results, or the error it failed
 * with), a click shows a result large with the previous/next ones a key away. Opened from
 * the chip beside Run after a batch of this tab finishes, and from the History panel.
 */
import { useEffect, useRef, useState } from "react";
import { galleryItems, type BatchItems, type GalleryItem, type GalleryMedia } from "../api/batch";
import { viewUrl } from "../api/files";
import { getJob, type Job } from "../api/queue";
import { useT } from "../i18n";
import { useGraph } from "../store/graph-store";
import { useGallery } from "../store/gallery-store";
import { useRuntimeStore } from "../store/runtime-store";
import { toast } from "../store/ui-store";
import { Dialog } from "./Dialog";

type BatchJob = Job & { items?: BatchItems | null };

export const openGallery = (jobId: string) => useGallery.setState({ jobId });

/** How many items failed (an item counts once, whichever node it failed at). */
export const failedItems = (items: BatchItems): number => new Set(items.errors.map((e) => e.item)).size;

/** Beside Run: the last batch this tab ran, opening its gallery. */
export function BatchChip() {
  const tr = useT();
  const active = useGraph((s) => s.activeTab);
  const done = useRuntimeStore((s) => s.lastDone);
  const summary = useGallery((s) => s.lastBatch[active]);
  useEffect(() => {
    const tab = done ? useRuntimeStore.getState().ours[done.promptId] : undefined;
    if (!done || !tab) return;
    getJob(done.promptId)
      .then((job: BatchJob) => {
        const items = job.items;
        const lastBatch = { ...useGallery.getState().lastBatch };
        if (items) lastBatch[tab] = { jobId: job.id, total: items.total, failed: failedItems(items) };
        else delete lastBatch[tab];
        useGallery.setState({ lastBatch });
      })
      .catch(() => undefined);
  }, [done]);
  if (!summary) return null;
  return (
    <button className={`kg-batch-chip${summary.failed ? " failed" : ""}`} data-testid="batch-chip" title={tr("gallery.open")}
      onClick={() => openGallery(summary.jobId)}>
      ▦ {tr("gallery.items", { count: summary.total })}
      {summary.failed ? ` · ${tr("gallery.failed", { count: summary.failed })}` : ""}
    </button>
  );
}

function Thumb({ media, onOpen }: { media: GalleryMedia; onOpen: () => void }) {
  const tr = useT();
  if (media.kind === "audio") return <audio controls src={viewUrl(media)} />;
  if (media.kind === "file") return <a href={viewUrl(media)} target="_blank" rel="noreferrer">{media.filename}</a>;
  return (
    <button className="kg-gallery-thumb" onClick={onOpen} title={tr("gallery.viewLarge")} aria-label={`${tr("gallery.viewLarge")}: ${media.filename}`}>
      {media.kind === "image"
        ? <img src={viewUrl(media, true)} alt={media.filename} loading="lazy" />
        : <video src={viewUrl(media)} muted preload="metadata" />}
    </button>
  );
}

function Large({ cards, at, onMove, onClose }: { cards: GalleryItem[]; at: [number, number]; onMove: (to: [number, number]) => void; onClose: () => void }) {
  const tr = useT();
  const flat = cards.flatMap((c) =>
    c.media.flatMap((m, i) => (m.kind === "image" || m.kind === "video" ? [[c.index, i] as [number, number]] : [])));
  const here = flat.findIndex(([c, i]) => c === at[0] && i === at[1]);
  const card = cards[at[0]];
  const media = card.media[at[1]];
  const step = (by: number) => flat.length && onMove(flat[(here + by + flat.length) % flat.length]);
  return (
    <div className="kg-gallery-large" role="dialog" aria-label={tr("gallery.large")} data-testid="gallery-large" tabIndex={-1}
      ref={(el) => el?.focus()}
      onKeyDown={(e) => {
        if (e.key === "Escape") { e.stopPropagation(); onClose(); }
        if (e.key === "ArrowRight") step(1);
        if (e.key === "ArrowLeft") step(-1);
      }}>
      <header>
        <span>#{card.index + 1} {card.label}</span>
        <span>
          <button onClick={() => step(-1)} aria-label={tr("gallery.previous")}>‹</button>
          <button onClick={() => step(1)} aria-label={tr("gallery.next")}>›</button>
          <button onClick={onClose} aria-label={tr("common.close")}>×</button>
        </span>
      </header>
      {media.kind === "image" ? <img src={viewUrl(media)} alt={media.filename} /> : <video src={viewUrl(media)} controls autoPlay />}
    </div>
  );
}

export function BatchGallery() {
  const tr = useT();
  const jobId = useGallery((s) => s.jobId);
  const [job, setJob] = useState<BatchJob | null>(null);
  const [large, setLarge] = useState<[number, number] | null>(null);
  // The thumbnail a large view was opened from gets the focus back (Esc then closes the gallery).
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    setJob(null);
    setLarge(null);
    if (!jobId) return;
    getJob(jobId).then(setJob).catch((e: Error) => {
      toast(tr("gallery.loadFailed", { error: e.message }), "error");
      useGallery.setState({ jobId: null });
    });
  }, [jobId, tr]);
  if (!jobId || !job?.items) return null;
  const items = job.items;
  const cards = galleryItems(items, job.outputs as Record<string, Record<string, unknown>>);
  const close = () => useGallery.setState({ jobId: null });
  const failed = failedItems(items);
  return (
    <Dialog title={tr("gallery.title", { count: items.total })} onClose={close}>
      <p className="kg-muted" data-testid="gallery-summary">
        {tr("gallery.items", { count: items.total })}{failed ? ` · ${tr("gallery.failed", { count: failed })}` : ""}
      </p>
      <ul className="kg-gallery" data-testid="gallery">
        {cards.map((card) => (
          <li key={card.index} className={`kg-gallery-item${card.errors.length ? " failed" : ""}`} data-item={card.index}>
            <div className="kg-gallery-thumbs">
              {card.media.map((m, i) => <Thumb key={`${m.nodeId}/${m.filename}`} media={m} onOpen={() => {
                opener.current = document.activeElement as HTMLElement | null;
                setLarge([card.index, i]);
              }} />)}
            </div>
            <div className="kg-gallery-label" title={card.label}>#{card.index + 1} {card.label}</div>
            {card.texts.map((text, i) => <div key={i} className="kg-gallery-text">{text}</div>)}
            {card.errors.map((e) => (
              <div key={e.node_id} className="kg-gallery-error" role="alert">{tr("gallery.error", { node: e.class_type, message: e.message })}</div>
            ))}
            {!card.media.length && !card.texts.length && !card.errors.length && <div className="kg-muted">{tr("gallery.noResult")}</div>}
          </li>
        ))}
      </ul>
      {large && cards[large[0]]?.media[large[1]] && <Large cards={cards} at={large} onMove={setLarge} onClose={() => {
        setLarge(null);
        opener.current?.focus();
      }} />}
    </Dialog>
  );
}
