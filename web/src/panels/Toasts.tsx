/** Messages: refusals at the pointer, errors and notices in the corner (an aria-live region). */
import { useUI } from "../store/ui-store";

export function Toasts() {
  const toasts = useUI((s) => s.toasts);
  return (
    <>
      <div className="kg-toasts" role="status" aria-live="polite">
        {toasts.filter((t) => !t.at).map((t) => (
          <div key={t.id} className={`kg-toast ${t.kind}`}>{t.text}</div>
        ))}
      </div>
      {toasts.filter((t) => t.at).map((t) => (
        <div key={t.id} className={`kg-toast kg-toast-at ${t.kind}`} role="alert" style={{ left: t.at!.x + 12, top: t.at!.y + 12 }}>
          {t.text}
        </div>
      ))}
    </>
  );
}
