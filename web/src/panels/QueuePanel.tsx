/** The queue: the running job (interrupt), pending jobs (cancel one), Clear all. Refreshed on every status message. */
import { useCallback, useEffect, useState } from "react";
import { clearQueue, deleteQueued, getQueue, interrupt, type QueueItem } from "../api/queue";
import { useRuntimeStore } from "../store/runtime-store";
import { toast } from "../store/ui-store";
import { nameOf } from "./job-names";
import { t } from "../i18n";

/** "#3 My workflow · 5 nodes": 1-based number, the workflow's name, its size. */
function title(item: QueueItem): string {
  const prompt = item[2] ?? {};
  return t("queue.item", { number: item[0] + 1, name: nameOf(item[3], prompt), count: Object.keys(prompt).length });
}

export function QueuePanel() {
  const [queue, setQueue] = useState<{ running: QueueItem[]; pending: QueueItem[] }>({ running: [], pending: [] });
  const remaining = useRuntimeStore((s) => s.queueRemaining);
  const ours = useRuntimeStore((s) => s.ours);
  const refresh = useCallback(async () => {
    try {
      const q = await getQueue();
      setQueue({ running: q.queue_running, pending: [...q.queue_pending].sort((a, b) => a[0] - b[0]) });
    } catch (e) {
      toast(`${t("queue.title")}: ${(e as Error).message}`, "error");
    }
  }, []);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 2000);
    return () => clearInterval(t);
  }, [refresh, remaining]);
  const act = async (fn: () => Promise<unknown>) => {
    await fn();
    await refresh();
  };
  return (
    <div className="kg-queue">
      <h2>{t("queue.title")}</h2>
      <h3>{t("queue.running")}</h3>
      <ul className="kg-list" data-testid="queue-running">
        {queue.running.map((item) => (
          <li key={item[1]} className="kg-job running">
            <span className="kg-spinner" aria-hidden="true" />
            <span className="kg-job-title">{title(item)}{ours[item[1]] ? "" : ` ${t("queue.otherClient")}`}</span>
            <button onClick={() => void act(() => interrupt(item[1]))} aria-label={t("queue.interrupt", { number: item[0] + 1 })}>{t("top.stop")}</button>
          </li>
        ))}
        {!queue.running.length && <li className="empty">{t("queue.idle")}</li>}
      </ul>
      <h3>
        {t("queue.pending", { count: queue.pending.length })}
        {queue.pending.length > 0 && (
          <button className="kg-clear" onClick={() => void act(clearQueue)}>
            {t("queue.clear")}
          </button>
        )}
      </h3>
      <ul className="kg-list" data-testid="queue-pending">
        {queue.pending.map((item) => (
          <li key={item[1]} className="kg-job" data-prompt-id={item[1]}>
            <span className="kg-job-title">{title(item)}</span>
            <button onClick={() => void act(() => deleteQueued([item[1]]))} aria-label={t("queue.cancel", { number: item[0] + 1 })}>{t("common.cancel")}</button>
          </li>
        ))}
        {!queue.pending.length && <li className="empty">{t("queue.nonePending")}</li>}
      </ul>
    </div>
  );
}
