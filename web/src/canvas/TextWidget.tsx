/** STRING widget: a single-line field or a multiline textarea; typing is one undo step per pause. */
import { memo } from "react";
import type { InputDef } from "../graph/types";
import { setWidget } from "../store/graph-store";
import { t } from "../i18n";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
}

/** A colour input: named like one, or holding a #rrggbb value. */
const isColour = (name: string, value: unknown) => /colou?r/i.test(name) || /^#[0-9a-f]{6}$/i.test(String(value ?? ""));

export const TextWidget = memo(function TextWidget({ nodeId, input, value, disabled }: Props) {
  const placeholder = typeof input.options.placeholder === "string" ? input.options.placeholder : input.name;
  const common = {
    "aria-label": input.name,
    placeholder,
    disabled,
    value: String(value ?? ""),
    // Keep Ctrl+Z inside the field for text; the graph's undo is for the canvas.
    // Ctrl+Enter still runs (the value is already in the store: every change commits).
    onKeyDown: (e: React.KeyboardEvent) => {
      if (!((e.ctrlKey || e.metaKey) && e.key === "Enter")) e.stopPropagation();
    },
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setWidget(nodeId, input.name, e.target.value),
  };
  return (
    <div className="kg-widget kg-text nodrag nowheel" title={input.tooltip}>
      {input.options.multiline ? (
        <textarea rows={3} {...common} />
      ) : (
        <>
          <span className="kg-widget-label">{input.name}</span>
          <input {...common} />
          {isColour(input.name, value) && (
            <input type="color" className="kg-colour" aria-label={t("widget.colour", { name: input.name })} disabled={disabled}
              value={/^#[0-9a-f]{6}$/i.test(String(value)) ? String(value) : "#000000"}
              onChange={(e) => setWidget(nodeId, input.name, e.target.value)} />
          )}
        </>
      )}
    </div>
  );
});
