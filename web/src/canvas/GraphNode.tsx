/**
 * An executable node: header, socket rows with typed, labelled handles, widgets made
 * from the input specs (each with its own handle, so a link can replace it), run state
 * and outputs. Memoised; subscribes narrowly (its definition, its linked inputs, the
 * LOD threshold, the dragged link's type) so a drag or a progress storm elsewhere
 * does not re-render it. Below zoom 0.4 widgets become plain boxes (handles stay).
 */
import { Handle, Position, useStore, type NodeProps, type Node } from "@xyflow/react";
import { memo, useCallback, useState } from "react";
import { uploadInto } from "../actions/upload";
import { canConnect } from "../graph/compat";
import { expandInputs, withDynamic } from "../graph/object-info";
import type { GraphNodeData, InputDef } from "../graph/types";
import { inHandle, outHandle } from "../graph/types";
import { useCatalogue } from "../store/catalogue-store";
import { linkedInputs } from "../store/edge-index";
import { updateData, useGraph } from "../store/graph-store";
import { useInstanceState, useNodeRuntime } from "../store/runtime-store";
import { useUI } from "../store/ui-store";
import { openSubgraph } from "../store/subgraph-actions";
import { ComboWidget } from "./ComboWidget";
import { NodeError, NodeOutputs, NodeProgress } from "./NodeOutputs";
import { NumberWidget } from "./NumberWidget";
import { SeedControl } from "./SeedControl";
import { TextWidget } from "./TextWidget";
import { ToggleWidget } from "./ToggleWidget";
import { typeColor } from "./type-colors";
import { UploadWidget } from "./UploadWidget";
import { RecordWidget } from "./RecordWidget";
import { t } from "../i18n";

export const LOD_ZOOM = 0.4;
const HANDLE = 12; // .kg-handle's size (styles.css)
const farSelector = (s: { transform: [number, number, number] }) => s.transform[2] < LOD_ZOOM;

type Sock = { name: string; type: string; optional?: boolean; tooltip?: string };

const useConnecting = () => useUI((s) => s.connecting);

function InHandle({ nodeId, sock, dim, hidden, gap }: { nodeId: string; sock: Sock; dim: boolean | null; hidden?: boolean; gap?: number }) {
  const color = typeColor(sock.type);
  return (
    <Handle
      type="target"
      position={Position.Left}
      id={inHandle(sock.name)}
      className={`kg-handle${sock.optional ? " optional" : ""}${dim === true ? " dim" : dim === false ? " ok" : ""}${hidden ? " hidden" : ""}`}
      style={{ "--c": color, marginTop: gap } as React.CSSProperties}
      data-socket-type={sock.type}
      aria-label={t("node.inputSocket", { name: sock.name, type: sock.type, id: nodeId })}
      title={`${sock.name}: ${sock.type}${sock.tooltip ? ` — ${sock.tooltip}` : ""}`}
    />
  );
}

function OutHandle({ nodeId, slot, sock, dim, hidden, gap }: { nodeId: string; slot: number; sock: Sock; dim: boolean | null; hidden?: boolean; gap?: number }) {
  return (
    <Handle
      type="source"
      position={Position.Right}
      id={outHandle(slot)}
      className={`kg-handle${dim === true ? " dim" : dim === false ? " ok" : ""}${hidden ? " hidden" : ""}`}
      style={{ "--c": typeColor(sock.type), marginTop: gap } as React.CSSProperties}
      data-socket-type={sock.type}
      aria-label={t("node.outputSocket", { name: sock.name, type: sock.type, id: nodeId })}
      title={`${sock.name}: ${sock.type}`}
    />
  );
}

/** Handles stacked top to bottom with margins so each one's centre lands at `y` (px from
 * the top of the far body): the same place as in the full node, so links do not move. */
function farColumn(items: { y: number; key: string; el: (gap: number) => React.ReactNode }[]): React.ReactNode[] {
  let bottom = 0;
  return [...items].sort((a, b) => a.y - b.y).map((it) => {
    const top = it.y - HANDLE / 2;
    const gap = top - bottom;
    bottom = top + HANDLE;
    return it.el(gap);
  });
}

function Widget({ nodeId, input, value, linked, far }: { nodeId: string; input: InputDef; value: unknown; linked: boolean; far: boolean }) {
  if (far) return <div className={`kg-widget kg-lod${input.widget === "STRING" && input.options.multiline ? " tall" : ""}`} />;
  if (linked) return <div className="kg-widget kg-linked">{input.name} <em>{t("widget.linked")}</em></div>;
  // The compare view draws on the node's outputs; other custom widgets have no editor here.
  if (input.widget === "CUSTOM" && input.type === "AUDIO_RECORD") return <RecordWidget nodeId={nodeId} input={input} value={value} />;
  if (input.widget === "CUSTOM" && input.type !== "COLOR") return null;
  const props = { nodeId, input, value, disabled: false };
  if (input.upload) return <UploadWidget {...props} lod={far} />;
  switch (input.widget) {
    case "INT":
    case "FLOAT":
      return <NumberWidget {...props} />;
    case "COMBO":
      return <ComboWidget {...props} />;
    case "BOOLEAN":
      return <ToggleWidget {...props} />;
    default:
      return <TextWidget {...props} />;
  }
}

function Title({ id, data, fallback }: { id: string; data: GraphNodeData; fallback: string }) {
  const renaming = useUI((s) => s.renaming === id);
  const [text, setText] = useState("");
  const title = data.title || fallback;
  if (renaming) {
    return (
      <input
        className="kg-title-input nodrag"
        autoFocus
        aria-label={t("node.title")}
        defaultValue={title}
        onFocus={(e) => {
          setText(title);
          e.target.select();
        }}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") useUI.setState({ renaming: null });
        }}
        onBlur={() => {
          if (useUI.getState().renaming === id) {
            updateData(id, { title: text.trim() && text.trim() !== fallback ? text.trim() : undefined });
            useUI.setState({ renaming: null });
          }
        }}
      />
    );
  }
  return (
    <span className="kg-title" onDoubleClick={(e) => { e.stopPropagation(); useUI.setState({ renaming: id }); }} title={data.classType}>
      {title}
    </span>
  );
}

/** A subgraph instance's promoted widgets (the instance inputs marked as widgets, in order),
 * edited on the instance as in ComfyUI: the values go to the widgets inside when it runs. */
function PromotedWidgets({ id, data }: { id: string; data: GraphNodeData }) {
  const names = (data.missing?.inputs ?? []).filter((i) => i.widget).map((i) => i.widget!);
  const values = Array.isArray(data.missing?.widgetsValues) ? (data.missing!.widgetsValues as unknown[]) : [];
  if (!values.length) return null;
  const set = (k: number, v: unknown) => {
    const next = values.slice();
    next[k] = v;
    updateData(id, { missing: { ...data.missing!, widgetsValues: next } }, `w:${id}:promoted:${k}`);
  };
  return (
    <dl className="kg-promoted">
      {values.map((v, k) => {
        const label = t("subgraph.promoted", { name: names[k] ?? `#${k + 1}` });
        return (
          <div key={k} className="kg-promoted-row">
            <dt>{names[k] ?? `#${k + 1}`}</dt>
            <dd>
              {typeof v === "number" ? (
                <input className="kg-input nodrag" type="number" aria-label={label} value={v} onChange={(e) => e.target.value !== "" && set(k, Number(e.target.value))} />
              ) : typeof v === "boolean" ? (
                <input className="nodrag" type="checkbox" aria-label={label} checked={v} onChange={(e) => set(k, e.target.checked)} />
              ) : typeof v === "string" ? (
                <input className="kg-input nodrag" type="text" aria-label={label} value={v} onChange={(e) => set(k, e.target.value)} />
              ) : (
                JSON.stringify(v)
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function GraphNodeView({ id, data, selected }: NodeProps<Node<GraphNodeData, "graph">>) {
  const def = useCatalogue((s) => s.defs[data.classType]);
  const linked = useGraph((s) => linkedInputs(s.edges).get(id) ?? "");
  const far = useStore(farSelector);
  const connecting = useConnecting();
  const inner = useInstanceState(id, Boolean(data.subgraph));
  const state = useNodeRuntime(id, (r) => r?.state) ?? inner ?? undefined;
  const stored = useNodeRuntime(id, (r) => r?.stored);
  const linkedSet = new Set(linked.split("|"));

  const openMenu = useCallback((e: React.MouseEvent) => {
    e.preventDefault();
    useUI.setState({ contextMenu: { nodeId: id, x: e.clientX, y: e.clientY } });
  }, [id]);

  const onDrop = useCallback((e: React.DragEvent) => {
    const file = e.dataTransfer.files?.[0];
    const up = def?.inputs.find((i) => i.upload);
    if (!file || !up || !/^(image|video|audio)\//.test(file.type)) return;
    e.preventDefault();
    e.stopPropagation();
    void uploadInto(id, up.name, file);
  }, [def, id]);

  const dimIn = (sock: Sock): boolean | null => {
    if (!connecting || connecting.handleType !== "source") return null;
    return connecting.nodeId === id || connecting.blocked.has(id) || !canConnect(connecting.type, sock.type);
  };
  const dimOut = (sock: Sock): boolean | null => {
    if (!connecting || connecting.handleType !== "target") return null;
    return connecting.nodeId === id || connecting.blocked.has(id) || !canConnect(sock.type, connecting.type);
  };

  const subgraph = data.subgraph;
  const missing = !def && !subgraph;
  const sockets: Sock[] = def
    ? expandInputs(withDynamic(def.inputs, data.widgets), (name) => linkedSet.has(inHandle(name))).filter((i) => !i.widget).map((i) => ({ name: i.name, type: i.type, optional: i.section === "optional", tooltip: i.tooltip }))
    : (data.missing?.inputs ?? []);
  const outputs: Sock[] = def ? def.outputs : (data.missing?.outputs ?? []);
  const widgets = def ? withDynamic(def.inputs, data.widgets).filter((i) => i.widget) : [];
  const rows = Math.max(sockets.length, outputs.length);
  const modeClass = data.mode === 4 ? " bypassed" : data.mode === 2 ? " muted" : "";
  const collapsed = Boolean(data.collapsed);

  return (
    <div
      className={`kg-node${modeClass}${selected ? " selected" : ""}${missing ? " missing" : ""}${state ? ` state-${state}` : ""}${collapsed ? " collapsed" : ""}${far ? " far" : ""}`}
      style={data.color ? ({ "--node-color": data.color } as React.CSSProperties) : undefined}
      onContextMenu={openMenu}
      onDrop={onDrop}
      data-testid={`node-${id}`}
      data-class={data.classType}
    >
      <header className="kg-node-header">
        <button
          type="button"
          className="kg-collapse nodrag"
          aria-label={collapsed ? t("node.expand") : t("node.collapse")}
          aria-expanded={!collapsed}
          onClick={() => updateData(id, { collapsed: !collapsed || undefined })}
        >
          {collapsed ? "▸" : "▾"}
        </button>
        <Title id={id} data={data} fallback={def?.displayName ?? subgraph?.name ?? data.classType} />
        {subgraph && <span className="kg-badge subgraph" title={t("node.subgraphTip", { name: subgraph.name })}>{t("node.subgraph")}</span>}
        {subgraph && (
          <button type="button" className="kg-open-subgraph nodrag" aria-label={t("subgraph.openNamed", { name: subgraph.name })} title={t("subgraph.openTip")}
            onClick={() => openSubgraph(id, useCatalogue.getState().defs)}>
            ⤵
          </button>
        )}
        {state === "cached" && <span className="kg-badge cached" title={t("node.cachedTip")}>{t("node.cached")}</span>}
        {stored && (
          <span className="kg-badge stored" data-testid="stored-badge" title={t("node.storedTip", { items: stored.items, total: stored.total })}>
            {t("node.stored")}
          </span>
        )}
        {state === "interrupted" && <span className="kg-badge interrupted" title={t("node.interruptedTip")}>{t("node.interrupted")}</span>}
        {data.mode === 4 && <span className="kg-badge">{t("node.bypass")}</span>}
        {data.mode === 2 && <span className="kg-badge">{t("node.muted")}</span>}
        {missing && <span className="kg-badge missing" title={t("node.missingTip")}>{t("node.missing")}</span>}
        <button type="button" className="kg-menu-button nodrag" aria-label={t("node.actions", { id })} onClick={openMenu}>
          ⋯
        </button>
        {collapsed && (
          <div className="kg-collapsed-handles">
            {sockets.map((s) => <InHandle key={s.name} nodeId={id} sock={s} dim={null} hidden />)}
            {widgets.map((w) => <InHandle key={w.name} nodeId={id} sock={w} dim={null} hidden />)}
            {outputs.map((s, i) => <OutHandle key={i} nodeId={id} slot={i} sock={s} dim={null} hidden />)}
          </div>
        )}
      </header>
      <NodeProgress nodeId={id} />
      {far && !collapsed && (
        // Far zoom: one box of the same height; only the handles that carry links stay.
        // Laid out in normal flow (no positioned or transformed boxes): with hundreds
        // of nodes on screen, every positioned box is a paint layer that each frame's
        // paint and each pointer move's hit test walk, which is what slowed panning.
        <div className="kg-far-body" style={{ height: rows * 22 + widgets.length * 26 + 10 }}>
          <div className="kg-far-col">
            {farColumn([
              ...sockets.map((s, r) => ({ y: r * 22 + 15, key: s.name, el: (gap: number) => <InHandle key={s.name} nodeId={id} sock={s} dim={null} gap={gap} /> })),
              ...widgets.flatMap((w, i) => linkedSet.has(inHandle(w.name))
                ? [{ y: rows * 22 + i * 26 + 17, key: w.name, el: (gap: number) => <InHandle key={w.name} nodeId={id} sock={w} dim={null} gap={gap} /> }]
                : []),
            ])}
          </div>
          <div className="kg-far-col right">
            {farColumn(outputs.map((s, r) => ({ y: r * 22 + 15, key: String(r), el: (gap: number) => <OutHandle key={r} nodeId={id} slot={r} sock={s} dim={null} gap={gap} /> })))}
          </div>
        </div>
      )}
      {!far && !collapsed && (
        <div className="kg-node-body">
          {Array.from({ length: rows }, (_, r) => (
            <div className="kg-row" key={r}>
              <div className="kg-in">
                {sockets[r] && (
                  <>
                    <InHandle nodeId={id} sock={sockets[r]} dim={dimIn(sockets[r])} />
                    {/* An autogrow socket ("images.image0") is labelled as ComfyUI does ("image0"). */}
                    <span className="kg-socket-label">{sockets[r].name.slice(sockets[r].name.indexOf(".") + 1)}</span>
                  </>
                )}
              </div>
              <div className="kg-out">
                {outputs[r] && (
                  <>
                    <span className="kg-socket-label">{outputs[r].name}</span>
                    <OutHandle nodeId={id} slot={r} sock={outputs[r]} dim={dimOut(outputs[r])} />
                  </>
                )}
              </div>
            </div>
          ))}
          {widgets.map((w) => (
            <div className="kg-widget-row" key={w.name}>
              <InHandle nodeId={id} sock={{ name: w.name, type: w.type, optional: true, tooltip: w.tooltip }} dim={dimIn(w)} hidden={!linkedSet.has(inHandle(w.name)) && !connecting} />
              <Widget nodeId={id} input={w} value={data.widgets[w.name]} linked={linkedSet.has(inHandle(w.name))} far={far} />
              {w.control && !far && !linkedSet.has(inHandle(w.name)) && <SeedControl nodeId={id} name={w.name} mode={data.controls[w.name] ?? "fixed"} disabled={false} />}
            </div>
          ))}
          {subgraph && <PromotedWidgets id={id} data={data} />}
          {!far && <NodeOutputs nodeId={id} />}
        </div>
      )}
      <NodeError nodeId={id} />
    </div>
  );
}

export const GraphNode = memo(GraphNodeView);
