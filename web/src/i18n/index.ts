/**
 * UI strings in English and Simplified Chinese. Every string a user can see comes from
 * `t(key, vars)`; the language is a preference (settings), defaulting to the browser's.
 * Node display names and descriptions come from packs' `locales/` (see node-locales.ts).
 */
import { create } from "zustand";
import { en, type MessageKey } from "./en";
import { zh } from "./zh";

export type Lang = "en" | "zh";
export const LANGS: readonly Lang[] = ["en", "zh"];
const tables: Record<Lang, Record<MessageKey, string>> = { en, zh };
const KEY = "kg.lang";

export function browserLang(languages: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase();
    if (base.startsWith("zh")) return "zh";
    if (base.startsWith("en")) return "en";
  }
  return "en";
}

function initial(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "zh") return saved;
  } catch {
    /* no storage: follow the browser */
  }
  return browserLang();
}

export const useLang = create<{ lang: Lang }>(() => ({ lang: initial() }));

export function setLang(lang: Lang): void {
  useLang.setState({ lang });
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* the choice holds for this page */
  }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

/** Fill {name} placeholders. */
export function format(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return format(tables[useLang.getState().lang][key] ?? en[key], vars);
}

/** Subscribe a component to the language so it re-renders on a switch. */
export function useT(): typeof t {
  useLang((s) => s.lang);
  return t;
}

export type { MessageKey };
