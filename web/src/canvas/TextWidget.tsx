/** STRING widget: a single-line field or a multiline textarea; typing is one undo step per pause. */
import { memo } from "react";
import type { InputDef } from "../graph/types";
import { setWidget } from "../store/graph-store";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
}

export const TextWidget = memo(function TextWidget({ nodeId, input, value, disabled }: Props) {
  const placeholder = typeof input.options.placeholder === "string" ? input.options.placeholder : input.name;
  const common = {
    "aria-label": input.name,
    placeholder,
    disabled,
    value: String(value ?? ""),
    // Keep Ctrl+Z inside the field for text; the graph's undo is for the canvas.
    onKeyDown: (e: React.KeyboardEvent) => e.stopPropagation(),
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
        </>
      )}
    </div>
  );
});
