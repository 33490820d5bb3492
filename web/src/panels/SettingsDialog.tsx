/** Settings: provider keys (entered here, only ever shown masked), base URLs, and canvas preferences. */
import { useEffect, useRef, useState } from "react";
import { uploadImage, viewUrl } from "../api/files";
import { listProviders, setProviderSettings, setSecrets, type Provider } from "../api/providers";
import { setPrefs, toast, useUI } from "../store/ui-store";
import { Dialog } from "./Dialog";
import { t } from "../i18n";
import { setLang, useLang, type Lang } from "../i18n";

function ProviderRow({ p, onChange }: { p: Provider; onChange: (p: Provider) => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [baseUrl, setBaseUrl] = useState(p.base_url);
  const [region, setRegion] = useState(p.region ?? "");
  const [limit, setLimit] = useState(String(p.limit));
  const save = async () => {
    try {
      let next = p;
      const secrets = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim()));
      if (Object.keys(secrets).length) next = await setSecrets(p.name, secrets);
      const settings: Record<string, unknown> = {};
      if (baseUrl.trim() !== p.base_url) settings.base_url = baseUrl.trim() || null;
      if ((region || null) !== p.region) settings.region = region || null;
      if (limit.trim() && Number(limit) !== p.limit) settings.limit = Number(limit);
      if (Object.keys(settings).length) next = await setProviderSettings(p.name, settings);
      setValues({});
      onChange(next);
      toast(t("settings.providerSaved", { name: p.display_name }));
    } catch (e) {
      toast(`${p.display_name}: ${(e as Error).message}`, "error");
    }
  };
  return (
    <fieldset className="kg-provider" data-provider={p.name}>
      <legend>
        {p.display_name} {p.configured ? <span className="kg-ok">{t("settings.configured")}</span> : <span className="kg-warn">{t("settings.notConfigured")}</span>}
      </legend>
      {p.credentials.map((c) => (
        <label key={c.name}>
          {c.label}
          <input
            type="password"
            autoComplete="off"
            placeholder={c.set ? t(c.source === "env" ? "settings.keySetEnv" : "settings.keySet", { masked: c.masked ?? "…" }) : t("settings.keyNotSet")}
            value={values[c.name] ?? ""}
            onChange={(e) => setValues((v) => ({ ...v, [c.name]: e.target.value }))}
          />
        </label>
      ))}
      <label>
        {t("settings.baseUrl")}
        <input type="url" value={baseUrl} placeholder={p.default_base_url} onChange={(e) => setBaseUrl(e.target.value)} />
      </label>
      {Object.keys(p.regions).length > 0 && (
        <label>
          {t("settings.region")}
          <select value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">{t("settings.regionDefault", { url: p.default_base_url })}</option>
            {Object.entries(p.regions).map(([name, url]) => (
              <option key={name} value={name}>{`${name} (${url})`}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t("settings.limit")}
        <input type="number" min={1} value={limit} onChange={(e) => setLimit(e.target.value)} />
      </label>
      <button onClick={() => void save()}>{t("settings.saveProvider", { name: p.display_name })}</button>
    </fieldset>
  );
}

export function SettingsDialog() {
  const open = useUI((s) => s.dialog === "settings");
  const prefs = useUI((s) => s.prefs);
  const lang = useLang((s) => s.lang);
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) listProviders().then(setProviders, () => setProviders([]));
  }, [open]);
  if (!open) return null;
  return (
    <Dialog title={t("top.settings")} onClose={() => useUI.setState({ dialog: null })}>
      <section>
        <h3>{t("settings.canvas")}</h3>
        <label>
          {t("settings.language")}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            <option value="en">{t("lang.en")}</option>
            <option value="zh">{t("lang.zh")}</option>
          </select>
        </label>
        <label>
          {t("settings.theme")}
          <select value={prefs.theme} onChange={(e) => setPrefs({ theme: e.target.value as "dark" | "light" })}>
            <option value="dark">{t("settings.dark")}</option>
            <option value="light">{t("settings.light")}</option>
          </select>
        </label>
        <label>
          {t("settings.background")}
          <select aria-label={t("settings.background")} value={prefs.background} onChange={(e) => setPrefs({ background: e.target.value as "grid" | "plain" | "wallpaper" })}>
            <option value="grid">{t("settings.grid")}</option>
            <option value="plain">{t("settings.plain")}</option>
            <option value="wallpaper">{t("settings.wallpaperImage")}</option>
          </select>
        </label>
        {prefs.background === "wallpaper" && (
          <label>
            {t("settings.wallpaper")}
            <button onClick={() => file.current?.click()}>{prefs.wallpaper ? t("settings.changeImage") : t("settings.uploadImage")}</button>
            <input ref={file} type="file" accept="image/*" hidden data-testid="wallpaper-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (!f) return;
                try {
                  const r = await uploadImage(f, f.name, { subfolder: "wallpapers" });
                  setPrefs({ wallpaper: viewUrl({ filename: r.name, subfolder: r.subfolder, type: r.type }) });
                } catch (err) {
                  toast(t("settings.wallpaperFailed", { error: (err as Error).message }), "error");
                }
              }} />
          </label>
        )}
        <label className="kg-check">
          <input type="checkbox" checked={prefs.snap} onChange={(e) => setPrefs({ snap: e.target.checked })} /> {t("settings.snap")}
        </label>
        <label>
          {t("settings.gridSize")}
          <input type="number" min={5} max={100} value={prefs.gridSize} onChange={(e) => setPrefs({ gridSize: Math.max(5, Math.min(100, Number(e.target.value) || 20)) })} />
        </label>
        <label className="kg-check">
          <input type="checkbox" checked={prefs.minimap} onChange={(e) => setPrefs({ minimap: e.target.checked })} /> {t("settings.minimap")}
        </label>
      </section>
      <section>
        <h3>{t("settings.providers")}</h3>
        <p className="kg-hint">{t("settings.keysNote")}</p>
        {providers === null && <p>{t("common.loading")}</p>}
        {providers?.map((p) => (
          <ProviderRow key={p.name} p={p} onChange={(n) => setProviders((all) => all!.map((x) => (x.name === n.name ? n : x)))} />
        ))}
      </section>
    </Dialog>
  );
}
