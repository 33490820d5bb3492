import { describe, expect, it } from "vitest";
import { localiseDefs, tableFor } from "./node-locales";
import { parseObjectInfo } from "./object-info";
import info from "./fixtures/object-info.json";

const defs = parseObjectInfo(info);

describe("pack translations of node names", () => {
  it("replaces display names, descriptions and input tooltips that a pack translates", () => {
    const name = Object.keys(defs)[0];
    const input = defs[name].inputs[0]?.name;
    const table = tableFor({ zh: { nodeDefs: { [name]: { display_name: "译名", description: "说明", inputs: input ? { [input]: { tooltip: "提示" } } : {} } } } }, "zh");
    const out = localiseDefs(defs, table);
    expect(out[name].displayName).toBe("译名");
    expect(out[name].description).toBe("说明");
    if (input) expect(out[name].inputs[0].tooltip).toBe("提示");
    const other = Object.keys(defs)[1];
    expect(out[other]).toBe(defs[other]);
  });

  it("leaves the catalogue alone without a table, and ignores non-text entries", () => {
    expect(localiseDefs(defs, {})).toBe(defs);
    const name = Object.keys(defs)[0];
    expect(localiseDefs(defs, { [name]: { display_name: 42 } })[name].displayName).toBe(defs[name].displayName);
    expect(tableFor({ "zh-CN": { nodeDefs: { X: {} } } }, "zh")).toEqual({ X: {} });
  });
});
