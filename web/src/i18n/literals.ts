/**
 * Finds user-visible English left in source text outside the translation files: JSX
 * text, text attributes (aria-label, title, placeholder, alt, label), and string
 * arguments of toast/confirm/prompt/alert and thrown errors. Used by a vitest check.
 */
export interface Literal {
  line: number;
  text: string;
}

const LETTERS = /[A-Za-z]{2,}/;
const PATTERNS: RegExp[] = [
  // JSX text between tags (no braces inside; not an arrow's ">", not a generic "Type<").
  /(?<![=-])>\s*([^<>{}=;()|]*[A-Za-z]{2,}[^<>{}=;()|]*?)\s*<(?![A-Za-z]\w*>)(?!string|unknown)/g,
  // JSX text before an expression ("Filter: {x}").
  /(?<![=-])>\s*([^<>{}=;()|\n]*[A-Za-z]{2,}[^<>{}=;()|\n]*?)\s*\{/g,
  // Text attributes as plain strings or templates.
  /\b(?:aria-label|title|placeholder|alt|label|aria-description|ariaLabel)=(?:"([^"]*)"|\{`([^`]*)`\})/g,
  // Strings handed to the user directly.
  /\b(?:toast|confirm|prompt|alert)\(\s*(?:"([^"]*)"|`([^`]*)`)/g,
  /\bnew Error\(\s*(?:"([^"]*)"|`([^`]*)`)/g,
  // Any other string that reads like an English phrase ("Could not open", "Fit the view").
  /(?<![\w.$])["`]([A-Z][a-z]+(?: +[A-Za-z][\w’']*[,.:;…?!]?)+)["`]/g,
];

export function findLiterals(source: string): Literal[] {
  const out: Literal[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:])\/\/.*$/gm, "$1");
  for (const re of PATTERNS) {
    for (const m of code.matchAll(re)) {
      const text = m.slice(1).find((g) => g !== undefined) ?? "";
      const visible = text.replace(/\$\{[^}]*\}/g, "");
      if (!LETTERS.test(visible)) continue;
      const line = code.slice(0, m.index).split("\n").length;
      if (!out.some((o) => o.line === line && o.text === text.trim())) out.push({ line, text: text.trim() });
    }
  }
  return out;
}
