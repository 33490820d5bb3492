/** The control-after-generate mode of a seed-like widget (UI only; never sent). */
import { memo } from "react";
import { CONTROL_MODES, type ControlMode } from "../graph/types";
import { setControl } from "../store/graph-store";
import { t } from "../i18n";
import type { MessageKey } from "../i18n";

export const SeedControl = memo(function SeedControl({ nodeId, name, mode, disabled }: { nodeId: string; name: string; mode: ControlMode; disabled: boolean }) {
  return (
    <div className="kg-widget kg-control nodrag">
      <span className="kg-widget-label">{t("seed.control")}</span>
      <select aria-label={t("seed.controlNamed", { name })} value={mode} disabled={disabled} onChange={(e) => setControl(nodeId, name, e.target.value as ControlMode)}>
        {CONTROL_MODES.map((m) => (
          <option key={m} value={m}>
            {t(`seed.${m}` as MessageKey)}
          </option>
        ))}
      </select>
    </div>
  );
});
