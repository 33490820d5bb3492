/** A full-size view of an output image. */
import { useUI } from "../store/ui-store";
import { t } from "../i18n";

export function Lightbox() {
  const url = useUI((s) => s.lightbox);
  if (!url) return null;
  return (
    <div className="kg-backdrop kg-lightbox" onClick={() => useUI.setState({ lightbox: null })} role="dialog" aria-label={t("lightbox.label")}>
      <img src={url} alt={t("lightbox.alt")} />
    </div>
  );
}
