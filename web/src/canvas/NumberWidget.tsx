/** INT/FLOAT widget: arrows, typing, and drag-to-change on the label; clamped to min/max/step. */
import { memo, useCallback, useEffect, useRef, useState } from "react";
import type { InputDef } from "../graph/types";
import { clampNumber, numberStep } from "../graph/widgets";
import { setWidget } from "../store/graph-store";
import { t } from "../i18n";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
}

const fmt = (input: InputDef, v: number) => (input.widget === "INT" ? String(Math.round(v)) : String(Number(v.toFixed(6))));

export const NumberWidget = memo(function NumberWidget({ nodeId, input, value, disabled }: Props) {
  const num = typeof value === "number" ? value : Number(value ?? 0);
  const [text, setText] = useState(fmt(input, num));
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setText(fmt(input, num));
  }, [num, input]);

  const commit = useCallback((v: number) => setWidget(nodeId, input.name, clampNumber(input, v)), [nodeId, input]);
  const step = numberStep(input);

  const onPointerDown = useCallback(
    (e: React.PointerEvent<HTMLSpanElement>) => {
      if (disabled) return;
      const start = e.clientX;
      const base = num;
      const el = e.currentTarget;
      el.setPointerCapture(e.pointerId);
      const move = (ev: PointerEvent) => {
        const dx = ev.clientX - start;
        if (Math.abs(dx) > 2) commit(base + Math.round(dx / 4) * step);
      };
      const up = () => {
        el.removeEventListener("pointermove", move);
        el.removeEventListener("pointerup", up);
      };
      el.addEventListener("pointermove", move);
      el.addEventListener("pointerup", up);
    },
    [disabled, num, step, commit],
  );

  const id = `w-${nodeId}-${input.name}`;
  return (
    <div className="kg-widget kg-number nodrag nowheel" title={input.tooltip}>
      <button type="button" className="kg-step" aria-label={t("number.decrease", { name: input.name })} disabled={disabled} onClick={() => commit(num - step)}>
        ‹
      </button>
      <span className="kg-widget-label kg-drag" onPointerDown={onPointerDown} aria-hidden="true">
        {input.name}
      </span>
      <input
        id={id}
        aria-label={input.name}
        className="kg-number-input"
        inputMode="decimal"
        disabled={disabled}
        value={text}
        onFocus={() => (editing.current = true)}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          editing.current = false;
          const v = Number(text);
          if (Number.isFinite(v)) commit(v);
          else setText(fmt(input, num));
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
            // Step from what the field shows (it may hold typed, uncommitted text).
            e.preventDefault();
            const typed = Number(text);
            const next = clampNumber(input, (Number.isFinite(typed) ? typed : num) + (e.key === "ArrowUp" ? step : -step));
            setText(fmt(input, next));
            commit(next);
          }
        }}
      />
      <button type="button" className="kg-step" aria-label={t("number.increase", { name: input.name })} disabled={disabled} onClick={() => commit(num + step)}>
        ›
      </button>
    </div>
  );
});
