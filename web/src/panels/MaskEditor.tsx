/**
 * Mask editor for image loaders: paint over the image with the mouse; Save uploads a
 * mask to POST /upload/mask (ComfyUI's: the painted areas become transparent in a copy of
 * the image under input/clipspace/) and points the node's input at it, so LoadImage's
 * MASK output carries what was painted.
 */
import { useEffect, useRef, useState } from "react";
import { authHeaders, request } from "../api/http";
import { inputFileUrl } from "../api/files";
import { t } from "../i18n";
import { setWidget } from "../store/graph-store";
import { toast, useUI } from "../store/ui-store";
import { Dialog } from "./Dialog";

/** "sub/cat.png [input]" -> the /upload/mask original_ref. */
export function originalRef(value: string): { filename: string; subfolder: string; type: string } {
  const m = /^(.*?)(?: \[(input|output|temp)\])?$/.exec(value)!;
  const slash = m[1].lastIndexOf("/");
  return { filename: m[1].slice(slash + 1), subfolder: slash > 0 ? m[1].slice(0, slash) : "", type: m[2] ?? "input" };
}

export function MaskEditor() {
  const target = useUI((s) => s.maskEditor);
  const paint = useRef<HTMLCanvasElement>(null);
  const [brush, setBrush] = useState(24);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const drawing = useRef(false);
  useEffect(() => setSize(null), [target]);
  if (!target) return null;
  const close = () => useUI.setState({ maskEditor: null });
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * e.currentTarget.width, y: ((e.clientY - r.top) / r.height) * e.currentTarget.height };
  };
  const dab = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const ctx = e.currentTarget.getContext("2d")!;
    const p = at(e);
    ctx.fillStyle = "#ffffff";
    ctx.beginPath();
    ctx.arc(p.x, p.y, brush * (e.currentTarget.width / e.currentTarget.getBoundingClientRect().width), 0, Math.PI * 2);
    ctx.fill();
  };
  const save = async () => {
    const src = paint.current;
    if (!src) return;
    const mask = document.createElement("canvas");
    mask.width = src.width;
    mask.height = src.height;
    const ctx = mask.getContext("2d")!;
    ctx.fillStyle = "#000000";
    ctx.fillRect(0, 0, mask.width, mask.height);
    ctx.globalCompositeOperation = "destination-out";
    ctx.drawImage(src, 0, 0);
    const blob = await new Promise<Blob | null>((ok) => mask.toBlob(ok, "image/png"));
    if (!blob) return;
    const form = new FormData();
    form.append("image", blob, `clipspace-mask-${Date.now()}.png`);
    form.append("original_ref", JSON.stringify(originalRef(target.value)));
    form.append("type", "input");
    form.append("subfolder", "clipspace");
    try {
      const r = await request<{ name: string; subfolder: string; type: string }>("/upload/mask", { method: "POST", body: form, headers: authHeaders() });
      setWidget(target.nodeId, target.input, `${r.subfolder ? `${r.subfolder}/` : ""}${r.name} [${r.type}]`, false);
      toast(t("mask.saved", { name: r.name }));
      close();
    } catch (e) {
      toast(t("mask.failed", { error: (e as Error).message }), "error");
    }
  };
  return (
    <Dialog title={t("mask.title")} onClose={close}>
      <div className="kg-mask">
        <div className="kg-mask-stage">
          <img src={inputFileUrl(target.value)} alt={target.value} onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })} />
          {size && (
            <canvas
              ref={paint}
              width={size.w}
              height={size.h}
              aria-label={t("mask.canvas")}
              onPointerDown={(e) => {
                drawing.current = true;
                e.currentTarget.setPointerCapture(e.pointerId);
                dab(e);
              }}
              onPointerMove={(e) => drawing.current && dab(e)}
              onPointerUp={() => (drawing.current = false)}
            />
          )}
        </div>
        <label>
          {t("mask.brush")}
          <input type="range" min={2} max={120} value={brush} onChange={(e) => setBrush(Number(e.target.value))} />
        </label>
        <div className="kg-mask-actions">
          <button onClick={() => paint.current?.getContext("2d")?.clearRect(0, 0, paint.current.width, paint.current.height)}>{t("mask.clear")}</button>
          <button onClick={() => void save()} disabled={!size}>{t("mask.save")}</button>
        </div>
      </div>
    </Dialog>
  );
}
