/**
 * A small Markdown reader for Markdown notes: headings, lists, code blocks, paragraphs;
 * inline bold, italics, code and http(s) links. It returns a tree that the note renders
 * as React elements, so note text is never inserted as HTML.
 */
export type Inline = { kind: "text" | "bold" | "em" | "code"; text: string } | { kind: "link"; text: string; href: string };
export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; inline: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "code"; text: string }
  | { kind: "para"; inline: Inline[] };

const INLINE = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*]+\*|_[^_]+_|\[[^\]]+\]\((https?:\/\/[^)\s]+)\))/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > at) out.push({ kind: "text", text: text.slice(at, m.index) });
    const s = m[0];
    if (s.startsWith("**")) out.push({ kind: "bold", text: s.slice(2, -2) });
    else if (s.startsWith("`")) out.push({ kind: "code", text: s.slice(1, -1) });
    else if (s.startsWith("[")) out.push({ kind: "link", text: s.slice(1, s.indexOf("]")), href: m[2] });
    else out.push({ kind: "em", text: s.slice(1, -1) });
    at = m.index! + s.length;
  }
  if (at < text.length) out.push({ kind: "text", text: text.slice(at) });
  return out;
}

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: "para", inline: parseInline(para.join(" ")) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (line.startsWith("```")) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
      blocks.push({ kind: "code", text: body.join("\n") });
    } else if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length as 1 | 2 | 3, inline: parseInline(heading[2]) });
    } else if (item) {
      flush();
      const ordered = Boolean(item[2]);
      const last = blocks[blocks.length - 1];
      if (last?.kind === "list" && last.ordered === ordered) last.items.push(parseInline(item[3]));
      else blocks.push({ kind: "list", ordered, items: [parseInline(item[3])] });
    } else if (!line.trim()) flush();
    else para.push(line.trim());
  }
  flush();
  return blocks;
}
