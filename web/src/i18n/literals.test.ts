import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { findLiterals } from "./literals";
import { zh } from "./zh";

const SRC = join(__dirname, "..");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "i18n" || f === "fixtures" ? [] : files(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });

describe("every UI string comes from the translation files", () => {
  it("finds English in JSX text, attributes and toasts (the checker itself)", () => {
    expect(findLiterals(`<button title="Run it">Save</button>`).map((l) => l.text)).toEqual(["Save", "Run it"]);
    expect(findLiterals("toast(`Saved ${x}`); toast(t('a'))").map((l) => l.text)).toEqual(["Saved ${x}"]);
    expect(findLiterals(`<span>{t("ok")}</span><b>×</b>`)).toEqual([]);
    expect(findLiterals(`const rows = [["Ctrl+S", "Save to the server"]]; const c = "kg-node selected";`).map((l) => l.text)).toEqual(["Save to the server"]);
  });

  it("leaves no user-visible literal in web/src outside i18n/", () => {
    const found = files(SRC).flatMap((f) => findLiterals(readFileSync(f, "utf8")).map((l) => `${relative(SRC, f)}:${l.line}: ${l.text}`));
    expect(found).toEqual([]);
  });

  it("has every key in both languages, with the same placeholders", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect([k, vars(zh[k as keyof typeof en])]).toEqual([k, vars(v)]);
    }
  });
});
