/** A modal dialog: labelled, focus moved in on open, Esc and the backdrop close it. */
import { useEffect, useRef, type ReactNode } from "react";
import { t } from "../i18n";

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => prev?.focus?.();
  }, []);
  return (
    <div className="kg-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="kg-dialog" role="dialog" aria-modal="true" aria-label={title} tabIndex={-1} ref={ref}
        onKeyDown={(e) => { if (e.key === "Escape") { e.stopPropagation(); onClose(); } }}>
        <header>
          <h2>{title}</h2>
          <button onClick={onClose} aria-label={t("common.close")}>×</button>
        </header>
        <div className="kg-dialog-body">{children}</div>
      </div>
    </div>
  );
}
