/** BOOLEAN widget: a switch showing label_on / label_off. */
import { memo } from "react";
import type { InputDef } from "../graph/types";
import { setWidget } from "../store/graph-store";

interface Props {
  nodeId: string;
  input: InputDef;
  value: unknown;
  disabled: boolean;
}

export const ToggleWidget = memo(function ToggleWidget({ nodeId, input, value, disabled }: Props) {
  const on = Boolean(value);
  const label = on ? String(input.options.label_on ?? "true") : String(input.options.label_off ?? "false");
  return (
    <div className="kg-widget kg-toggle nodrag" title={input.tooltip}>
      <span className="kg-widget-label">{input.name}</span>
      <button type="button" role="switch" aria-checked={on} aria-label={input.name} disabled={disabled} onClick={() => setWidget(nodeId, input.name, !on, false)}>
        <span className="kg-switch" data-on={on} />
        {label}
      </button>
    </div>
  );
});
