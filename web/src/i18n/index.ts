/**
 * UI strings in English and Simplified Chinese. Every string a user can see comes from
 * `t(key, vars)`; the language is a preference (settings), defaulting to the browser's.
 * Components call `useT()` so they re-render on a switch.
 */
import { createStore } from "zustand";
import { scoped } from "../store/scope";
import { browserLang, t, useLanguage, type Lang } from "./translate";

export { LANGS, browserLang, currentLang, format, t, type Lang, type MessageKey } from "./translate";

const KEY = "kg.lang";

function initial(): Lang {
  let lang = browserLang();
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "zh") lang = saved;
  } catch {
    /* no storage: follow the browser */
  }
  useLanguage(lang);
  return lang;
}

export const createLangStore = () => createStore<{ lang: Lang }>()(() => ({ lang: initial() }));
export const useLang = scoped("lang", createLangStore);

export function setLang(lang: Lang): void {
  useLanguage(lang);
  useLang.setState({ lang });
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* the choice holds for this page */
  }
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

/** Subscribe a component to the language so it re-renders on a switch. */
export function useT(): typeof t {
  useLang((s) => s.lang);
  return t;
}
