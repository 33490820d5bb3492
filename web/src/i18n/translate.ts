/** The pure half of i18n (no React, usable from graph/): tables, the current language, t(). */
import { en, type MessageKey } from "./en";
import { zh } from "./zh";

export type Lang = "en" | "zh";
export const LANGS: readonly Lang[] = ["en", "zh"];
const tables: Record<Lang, Record<MessageKey, string>> = { en, zh };
let current: Lang = "en";

export function browserLang(languages: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase();
    if (base.startsWith("zh")) return "zh";
    if (base.startsWith("en")) return "en";
  }
  return "en";
}

export const currentLang = (): Lang => current;
export function useLanguage(lang: Lang): void {
  current = lang;
}

/** Fill {name} placeholders. */
export function format(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return format(tables[current][key] ?? en[key], vars);
}

export type { MessageKey };
