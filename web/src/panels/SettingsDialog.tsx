/** Settings: provider keys (entered here, only ever shown masked), base URLs, and canvas preferences. */
import { useEffect, useRef, useState } from "react";
import { uploadImage, viewUrl } from "../api/files";
import { listProviders, setProviderSettings, setSecrets, type Provider } from "../api/providers";
import { setPrefs, toast, useUI } from "../store/ui-store";
import { Dialog } from "./Dialog";

function ProviderRow({ p, onChange }: { p: Provider; onChange: (p: Provider) => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [baseUrl, setBaseUrl] = useState(p.base_url);
  const save = async () => {
    try {
      let next = p;
      const secrets = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim()));
      if (Object.keys(secrets).length) next = await setSecrets(p.name, secrets);
      if (baseUrl.trim() !== p.base_url) next = await setProviderSettings(p.name, { base_url: baseUrl.trim() || null });
      setValues({});
      onChange(next);
      toast(`${p.display_name} saved`);
    } catch (e) {
      toast(`${p.display_name}: ${(e as Error).message}`, "error");
    }
  };
  return (
    <fieldset className="kg-provider" data-provider={p.name}>
      <legend>
        {p.display_name} {p.configured ? <span className="kg-ok">configured</span> : <span className="kg-warn">not configured</span>}
      </legend>
      {p.credentials.map((c) => (
        <label key={c.name}>
          {c.label}
          <input
            type="password"
            autoComplete="off"
            placeholder={c.set ? `set (${c.masked ?? "…"})${c.source === "env" ? " from environment" : ""}` : "not set"}
            value={values[c.name] ?? ""}
            onChange={(e) => setValues((v) => ({ ...v, [c.name]: e.target.value }))}
          />
        </label>
      ))}
      <label>
        Base URL
        <input type="url" value={baseUrl} placeholder={p.default_base_url} onChange={(e) => setBaseUrl(e.target.value)} />
      </label>
      <button onClick={() => void save()}>Save {p.display_name}</button>
    </fieldset>
  );
}

export function SettingsDialog() {
  const open = useUI((s) => s.dialog === "settings");
  const prefs = useUI((s) => s.prefs);
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) listProviders().then(setProviders, () => setProviders([]));
  }, [open]);
  if (!open) return null;
  return (
    <Dialog title="Settings" onClose={() => useUI.setState({ dialog: null })}>
      <section>
        <h3>Canvas</h3>
        <label>
          Theme
          <select value={prefs.theme} onChange={(e) => setPrefs({ theme: e.target.value as "dark" | "light" })}>
            <option value="dark">Dark</option>
            <option value="light">Light</option>
          </select>
        </label>
        <label>
          Background
          <select aria-label="Background" value={prefs.background} onChange={(e) => setPrefs({ background: e.target.value as "grid" | "plain" | "wallpaper" })}>
            <option value="grid">Grid</option>
            <option value="plain">Plain</option>
            <option value="wallpaper">Wallpaper image</option>
          </select>
        </label>
        {prefs.background === "wallpaper" && (
          <label>
            Wallpaper
            <button onClick={() => file.current?.click()}>{prefs.wallpaper ? "Change image…" : "Upload image…"}</button>
            <input ref={file} type="file" accept="image/*" hidden data-testid="wallpaper-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (!f) return;
                try {
                  const r = await uploadImage(f, f.name, { subfolder: "wallpapers" });
                  setPrefs({ wallpaper: viewUrl({ filename: r.name, subfolder: r.subfolder, type: r.type }) });
                } catch (err) {
                  toast(`Wallpaper upload failed: ${(err as Error).message}`, "error");
                }
              }} />
          </label>
        )}
        <label className="kg-check">
          <input type="checkbox" checked={prefs.snap} onChange={(e) => setPrefs({ snap: e.target.checked })} /> Snap to grid
        </label>
        <label>
          Grid size
          <input type="number" min={5} max={100} value={prefs.gridSize} onChange={(e) => setPrefs({ gridSize: Math.max(5, Math.min(100, Number(e.target.value) || 20)) })} />
        </label>
        <label className="kg-check">
          <input type="checkbox" checked={prefs.minimap} onChange={(e) => setPrefs({ minimap: e.target.checked })} /> Minimap (hidden above 500 nodes)
        </label>
      </section>
      <section>
        <h3>Providers</h3>
        <p className="kg-hint">Keys are stored on the server (mode 0600) and never shown again: only their last characters.</p>
        {providers === null && <p>Loading…</p>}
        {providers?.map((p) => (
          <ProviderRow key={p.name} p={p} onChange={(n) => setProviders((all) => all!.map((x) => (x.name === n.name ? n : x)))} />
        ))}
      </section>
    </Dialog>
  );
}
