/** The control-after-generate mode of a seed-like widget (UI only; never sent). */
import { memo } from "react";
import { CONTROL_MODES, type ControlMode } from "../graph/types";
import { setControl } from "../store/graph-store";

export const SeedControl = memo(function SeedControl({ nodeId, name, mode, disabled }: { nodeId: string; name: string; mode: ControlMode; disabled: boolean }) {
  return (
    <div className="kg-widget kg-control nodrag">
      <span className="kg-widget-label">control after generate</span>
      <select aria-label={`${name} control after generate`} value={mode} disabled={disabled} onChange={(e) => setControl(nodeId, name, e.target.value as ControlMode)}>
        {CONTROL_MODES.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </div>
  );
});
