/** Past jobs with status, duration and thumbnails; clicking one opens its graph in a tab and shows its outputs. */
import { useCallback, useEffect, useState } from "react";
import { viewUrl } from "../api/files";
import { getJob, listJobs, type Job } from "../api/queue";
import { openResult } from "../actions/files";
import { importDocument } from "../graph/import-document";
import { defsNow } from "../store/catalogue-store";
import { useGraph } from "../store/graph-store";
import { showOutputs, useRuntimeStore } from "../store/runtime-store";
import { toast } from "../store/ui-store";
import { failedItems, openGallery } from "./BatchGallery";
import { jobNames, nameOf } from "./job-names";
import { HistoryMedia } from "./HistoryMedia";
import { t, type MessageKey } from "../i18n";

const thumbs = (job: Job) =>
  Object.values(job.outputs ?? {})
    .flatMap((o) => o.images ?? [])
    .filter((i) => /\.(png|jpe?g|webp|gif)$/i.test(i.filename))
    .slice(0, 3);

async function openJob(job: Job): Promise<void> {
  try {
    const full = await getJob(job.id);
    const doc = full.extra_data?.extra_pnginfo?.workflow ?? full.prompt;
    if (!doc) throw new Error(t("history.noGraph"));
    const when = new Date((job.created_at ?? 0) * 1000).toLocaleTimeString();
    openResult(importDocument(doc, defsNow()), t("history.tabTitle", { name: nameOf(full.extra_data as Record<string, unknown> | undefined, full.prompt) || t("top.run"), number: job.number + 1, when }));
    showOutputs(useGraph.getState().activeTab, full.outputs as never);
  } catch (e) {
    toast(t("history.openFailed", { error: (e as Error).message }), "error");
  }
}

export function HistoryPanel() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const lastDone = useRuntimeStore((s) => s.lastDone);
  // Jobs of other clients finish without events here; the queue status everyone gets moves
  // (counted per batch: a fast job's 1-then-0 in one batch leaves the count unchanged).
  const moves = useRuntimeStore((s) => s.queueMoves);
  const refresh = useCallback(async () => {
    try {
      const list = (await listJobs("success,error,interrupted,cancelled", 40)).jobs;
      setJobs(list);
      setNames(await jobNames(list));
    } catch (e) {
      toast(`${t("history.title")}: ${(e as Error).message}`, "error");
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh, lastDone, moves]);
  return (
    <div className="kg-history">
      <h2>
        {t("history.title")} <button className="kg-clear" onClick={() => void refresh()} aria-label={t("history.refresh")}>↻</button>
      </h2>
      <ul className="kg-list" data-testid="history-list">
        {jobs.map((job) => (
          <li key={job.id}>
            <button className={`kg-job kg-history-item status-${job.status}`} onClick={() => void openJob(job)} data-job-id={job.id}>
              <span className={`kg-status ${job.status}`}>{t(`status.${job.status}` as MessageKey)}</span>
              <span className="kg-job-title">#{job.number + 1} {names[job.id] ?? ""}</span>
              <span className="kg-duration">{job.duration_s != null ? `${job.duration_s.toFixed(1)} s` : ""}</span>
              <span className="kg-thumbs">
                {thumbs(job).map((img) => (
                  <img key={img.filename} src={viewUrl(img, true)} alt={img.filename} loading="lazy" />
                ))}
              </span>
              {job.error && <span className="kg-job-error">{job.error.node_type}: {job.error.exception_message}</span>}
            </button>
            <HistoryMedia outputs={job.outputs as never} />
            {job.items && (
              <button className="kg-history-gallery" data-testid="history-gallery" onClick={() => openGallery(job.id)}
                title={t("gallery.open")}>
                ▦ {t("history.gallery")} · {t("gallery.items", { count: job.items.total })}
                {failedItems(job.items) ? ` · ${t("gallery.failed", { count: failedItems(job.items) })}` : ""}
              </button>
            )}
          </li>
        ))}
        {!jobs.length && <li className="empty">{t("history.none")}</li>}
      </ul>
    </div>
  );
}
