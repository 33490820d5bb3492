/**
 * Costs: POST /api/prompt/estimate (what a prompt will cost before it runs) and the
 * pure formatting of an estimate for the top bar. Shapes: docs/api.md "Costs".
 */
import { request } from "./http";
import type { ApiPrompt } from "../graph/prompt";

export interface NodeCost {
  provider: string | null;
  currency: string | null;
  /** null: unknown (never 0). */
  amount: number | null;
  basis: string;
  calls: number | null;
  stored: number;
}

export interface Estimate {
  total: Record<string, number>;
  nodes: Record<string, NodeCost>;
  unknown: string[];
}

export function estimatePrompt(prompt: ApiPrompt): Promise<Estimate> {
  return request<Estimate>("/api/prompt/estimate", { method: "POST", json: { prompt } });
}

export interface SpendBucket {
  /** What succeeded calls cost. */
  amounts: Record<string, number>;
  /** Calls the provider accepted that then failed, timed out or were cancelled: it may charge them. */
  maybe_charged?: Record<string, number>;
  calls: number;
  unknown_calls: number;
  statuses?: Record<string, number>;
}

export interface SpendReport {
  total: SpendBucket;
  groups?: Record<string, SpendBucket>;
}

export interface Budget {
  per_job: Record<string, number>;
  per_day: Record<string, number>;
  today?: { spent: Record<string, number>; reserved: Record<string, number>; maybe_charged?: Record<string, number> };
}

/** The ledger since ``since`` (ISO date), grouped by day, provider or job. */
export function getSpend(groupBy: "day" | "provider" | "job", since?: string): Promise<SpendReport> {
  const query = new URLSearchParams({ group_by: groupBy, ...(since ? { since } : {}) });
  return request<SpendReport>(`/api/spend?${query}`);
}

export function getBudget(): Promise<Budget> {
  return request<Budget>("/api/spend/budget");
}

export function putBudget(budget: Pick<Budget, "per_job" | "per_day">): Promise<Budget> {
  return request<Budget>("/api/spend/budget", { method: "PUT", json: budget });
}

const SYMBOLS: Record<string, string> = { CNY: "¥", USD: "$", EUR: "€" };

/** "¥3.5 + $0.04": amounts rounded to 4 significant decimals, currencies in a fixed order. */
export function formatTotal(total: Record<string, number>): string {
  const parts = Object.keys(total)
    .sort()
    .map((currency) => {
      const amount = Number(total[currency].toFixed(4));
      const symbol = SYMBOLS[currency];
      return symbol ? `${symbol}${amount}` : `${amount} ${currency}`;
    });
  return parts.join(" + ");
}

/** The paid nodes' lines for a tooltip: "#3 KlingTextToVideo: $0.21 (basis)". */
export function costLines(estimate: Estimate, unknownLabel: string): string[] {
  return Object.entries(estimate.nodes).map(([id, cost]) => {
    const amount = cost.amount === null ? unknownLabel : formatTotal({ [cost.currency ?? "?"]: cost.amount });
    return `#${id}: ${amount} — ${cost.basis}`;
  });
}
