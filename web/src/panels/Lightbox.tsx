/** A full-size view of an output image. */
import { useUI } from "../store/ui-store";

export function Lightbox() {
  const url = useUI((s) => s.lightbox);
  if (!url) return null;
  return (
    <div className="kg-backdrop kg-lightbox" onClick={() => useUI.setState({ lightbox: null })} role="dialog" aria-label="Image">
      <img src={url} alt="output" />
    </div>
  );
}
