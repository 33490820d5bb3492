/** Combo widget: a button that opens a filterable list (type to filter, arrows, Enter). */
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { InputDef } from "../graph/types";
import { setWidget } from "../store/graph-store";
import { t } from "../i18n";
import { listKeys } from "./list-keys";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
  extraChoices?: string[];
}

export const ComboWidget = memo(function ComboWidget({ nodeId, input, value, disabled, extraChoices }: Props) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const choices = useMemo(() => {
    const all = [...(input.choices ?? []).map(String), ...(extraChoices ?? [])];
    return [...new Set(all)];
  }, [input.choices, extraChoices]);
  const shown = useMemo(() => choices.filter((c) => c.toLowerCase().includes(filter.toLowerCase())), [choices, filter]);

  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("pointerdown", close);
    return () => window.removeEventListener("pointerdown", close);
  }, [open]);

  const choose = (c: string) => {
    setWidget(nodeId, input.name, c, false);
    setOpen(false);
    setFilter("");
  };
  const listId = `combo-${nodeId}-${input.name}`;
  return (
    <div className="kg-widget kg-combo nodrag nowheel" ref={box} title={input.tooltip}>
      <span className="kg-widget-label">{input.name}</span>
      <button
        type="button"
        className="kg-combo-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`${input.name}: ${String(value ?? "")}`}
        disabled={disabled}
        onClick={() => {
          setOpen((o) => !o);
          setActive(Math.max(0, choices.indexOf(String(value))));
        }}
      >
        {String(value ?? "") || <em>{t("widget.none")}</em>}
      </button>
      {open && (
        <div className="kg-combo-pop">
          <input
            autoFocus
            aria-label={t("widget.filterNamed", { name: input.name })}
            aria-controls={listId}
            placeholder={t("widget.filter")}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (!listKeys(e.key, shown, active, setActive, choose, () => setOpen(false))) return;
              e.preventDefault();
              e.stopPropagation();
            }}
          />
          <ul role="listbox" id={listId}>
            {shown.map((c, i) => (
              <li key={c} role="option" aria-selected={c === String(value)} className={i === active ? "active" : ""} onPointerDown={(e) => e.preventDefault()} onClick={() => choose(c)}>
                {c}
              </li>
            ))}
            {!shown.length && <li className="empty">{t("widget.noMatch")}</li>}
          </ul>
        </div>
      )}
    </div>
  );
});
