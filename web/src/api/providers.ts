/** Provider credentials (write-only, shown masked) and settings: /api/providers. */
import { request } from "./http";

export interface Provider {
  name: string;
  display_name: string;
  docs_url?: string;
  credentials: { name: string; label: string; set: boolean; masked?: string; source?: string }[];
  configured: boolean;
  base_url: string;
  default_base_url: string;
  region: string | null;
  regions: Record<string, string>;
  limit: number;
}

export const listProviders = () => request<{ providers: Provider[] }>("/api/providers").then((r) => r.providers);
export const setSecrets = (name: string, values: Record<string, string>) =>
  request<Provider>(`/api/providers/${encodeURIComponent(name)}/secrets`, { method: "PUT", json: values });
export const setProviderSettings = (name: string, values: Record<string, unknown>) =>
  request<Provider>(`/api/providers/${encodeURIComponent(name)}/settings`, { method: "PUT", json: values });
