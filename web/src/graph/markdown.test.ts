import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "./markdown";

describe("Markdown notes", () => {
  it("reads headings, lists, code and paragraphs", () => {
    const b = parseMarkdown("# Title\n\nSome **bold** text\nwraps.\n\n- one\n- two\n\n1. first\n\n```\n<b>x</b>\n```");
    expect(b.map((x) => x.kind)).toEqual(["heading", "para", "list", "list", "code"]);
    expect(b[1]).toEqual({ kind: "para", inline: [{ kind: "text", text: "Some " }, { kind: "bold", text: "bold" }, { kind: "text", text: " text wraps." }] });
    expect(b[2]).toMatchObject({ ordered: false, items: [[{ text: "one" }], [{ text: "two" }]] });
    expect(b[4]).toEqual({ kind: "code", text: "<b>x</b>" });
  });

  it("keeps only http(s) links; anything else stays text", () => {
    expect(parseInline("[a](https://x.org) [b](javascript:alert(1))")).toEqual([
      { kind: "link", text: "a", href: "https://x.org" },
      { kind: "text", text: " [b](javascript:alert(1))" },
    ]);
  });
});
