/**
 * The node menu (right-click, the ⋯ button, or Shift+F10): rename, bypass, mute,
 * collapse, duplicate, delete, and "Connect" — pick an output and a compatible input
 * of another node without dragging (WCAG 2.5.7), or add a new node wired to it.
 */
import { useMemo } from "react";
import { canConnect } from "../graph/compat";
import { inHandle, isGraphNode, outHandle } from "../graph/types";
import { defsNow, useCatalogue } from "../store/catalogue-store";
import { connect, deleteSelected, duplicateSelected, onNodesChange, updateData, useGraph } from "../store/graph-store";
import { toast, useUI } from "../store/ui-store";
import { convertSelectionToSubgraph, openSubgraph, unpackInstance } from "../store/subgraph-actions";
import { t } from "../i18n";

export function NodeMenu() {
  const menu = useUI((s) => s.contextMenu);
  const node = useGraph((s) => (menu ? s.nodes.find((n) => n.id === menu.nodeId) : undefined));
  const defs = useCatalogue((s) => s.defs);
  const targets = useMemo(() => {
    if (!node || !isGraphNode(node)) return [];
    const def = defs[node.data.classType];
    if (!def) return [];
    const out: { label: string; slot: number; target: string; input: string }[] = [];
    for (const other of useGraph.getState().nodes) {
      if (other.id === node.id || !isGraphNode(other)) continue;
      const od = defs[other.data.classType];
      if (!od) continue;
      def.outputs.forEach((o, slot) => {
        for (const i of od.inputs) {
          if (i.widget === "COMBO" || !canConnect(o.type, i.type)) continue;
          out.push({ label: `${o.name} → ${other.data.title || od.displayName} #${other.id} · ${i.name}`, slot, target: other.id, input: i.name });
        }
      });
      if (out.length > 40) break;
    }
    return out;
  }, [node, defs]);
  if (!menu || !node) return null;
  const close = () => useUI.setState({ contextMenu: null });
  const select = () => onNodesChange(useGraph.getState().nodes.map((n) => ({ type: "select" as const, id: n.id, selected: n.id === node.id })));
  const data = isGraphNode(node) ? node.data : null;
  const def = data ? defs[data.classType] : undefined;
  const item = (label: string, fn: () => void) => (
    <li role="none">
      <button role="menuitem" onClick={() => { fn(); close(); }}>{label}</button>
    </li>
  );
  return (
    <div className="kg-menu" style={{ left: Math.min(menu.x, window.innerWidth - 320), top: Math.min(menu.y, window.innerHeight - 360) }}
      onKeyDown={(e) => {
        if (e.key === "Escape") close();
        const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
        const at = items.indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === "ArrowDown") items[(at + 1) % items.length]?.focus();
        else if (e.key === "ArrowUp") items[(at - 1 + items.length) % items.length]?.focus();
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}>
      <ul role="menu" aria-label={t("menu.label", { id: node.id })}>
        {data && item(t("menu.rename"), () => useUI.setState({ renaming: node.id }))}
        {data && item(data.mode === 4 ? t("menu.unbypass") : t("menu.bypass"), () => updateData(node.id, { mode: data.mode === 4 ? 0 : 4 }))}
        {data && item(data.mode === 2 ? t("menu.unmute") : t("menu.mute"), () => updateData(node.id, { mode: data.mode === 2 ? 0 : 2 }))}
        {data && item(data.collapsed ? t("menu.expand") : t("menu.collapse"), () => updateData(node.id, { collapsed: !data.collapsed || undefined }))}
        {data?.subgraph && item(t("subgraph.open"), () => openSubgraph(node.id, defsNow()))}
        {data?.subgraph && item(t("subgraph.unpack"), () => unpackInstance(node.id, defsNow()))}
        {item(t("subgraph.convert"), () => { if (!node.selected) select(); convertSelectionToSubgraph(defsNow()); })}
        {item(t("menu.duplicate"), () => { select(); duplicateSelected(); })}
        {item(t("menu.delete"), () => { select(); deleteSelected(defsNow()); })}
        {def?.outputs.map((o, slot) => item(t("menu.addFrom", { name: o.name }), () => {
          const el = document.querySelector(`.react-flow__node[data-id="${node.id}"]`)?.getBoundingClientRect();
          const screen = { x: (el?.right ?? menu.x) + 40, y: el?.top ?? menu.y };
          const flowEl = document.querySelector(".react-flow__viewport") as HTMLElement | null;
          const m = flowEl ? new DOMMatrixReadOnly(getComputedStyle(flowEl).transform) : new DOMMatrixReadOnly();
          const r = document.querySelector(".react-flow")?.getBoundingClientRect();
          const flow = { x: (screen.x - (r?.left ?? 0) - m.e) / m.a, y: (screen.y - (r?.top ?? 0) - m.f) / m.d };
          useUI.setState({ search: { screen, flow, from: { nodeId: node.id, handleId: outHandle(slot), handleType: "source", type: o.type } } });
        }))}
        {targets.length > 0 && (
          <li role="none" className="kg-menu-sub">
            <span className="kg-menu-head">{t("menu.connectTo")}</span>
            <ul role="group" aria-label={t("menu.connectToLabel")}>
              {targets.map((t) => (
                <li role="none" key={`${t.slot}-${t.target}-${t.input}`}>
                  <button role="menuitem" onClick={() => {
                    const why = connect({ source: node.id, sourceHandle: outHandle(t.slot), target: t.target, targetHandle: inHandle(t.input) }, defsNow());
                    if (why) toast(why, "error");
                    close();
                  }}>{t.label}</button>
                </li>
              ))}
            </ul>
          </li>
        )}
      </ul>
    </div>
  );
}
