/** Spend: what paid calls cost today and over the last 30 days (by day and by provider),
 * from GET /api/spend, and the budget limits (GET/PUT /api/spend/budget). */
import { useCallback, useEffect, useState } from "react";
import { formatTotal, getBudget, getSpend, putBudget, type Budget, type SpendReport } from "../api/spend";
import { t } from "../i18n";
import { useRuntimeStore } from "../store/runtime-store";
import { toast } from "../store/ui-store";

const DAYS = 30;
/** ISO codes, shown as they are in both languages. */
const CURRENCIES = ["CNY", "USD"];

function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function Rows({ report, testId }: { report: SpendReport | null; testId: string }) {
  const groups = Object.entries(report?.groups ?? {});
  if (!groups.length) return <p className="kg-muted">{t("spend.none")}</p>;
  return (
    <ul className="kg-list" data-testid={testId}>
      {groups.map(([name, b]) => (
        <li key={name}>
          {name || "—"}: {formatTotal(b.amounts) || "0"} · {t("spend.calls", { count: b.calls })}
          {formatTotal(b.maybe_charged ?? {}) && <span className="kg-warn"> · {t("spend.maybeCharged", { amount: formatTotal(b.maybe_charged ?? {}) })}</span>}
        </li>
      ))}
    </ul>
  );
}

export function SpendPanel() {
  const [byDay, setByDay] = useState<SpendReport | null>(null);
  const [byProvider, setByProvider] = useState<SpendReport | null>(null);
  const [budget, setBudget] = useState<Budget | null>(null);
  const [currency, setCurrency] = useState("CNY");
  const [perDay, setPerDay] = useState("");
  const [perJob, setPerJob] = useState("");
  const running = useRuntimeStore((s) => s.running);
  const refresh = useCallback(async () => {
    try {
      const since = daysAgo(DAYS);
      const [d, p, b] = await Promise.all([getSpend("day", since), getSpend("provider", since), getBudget()]);
      setByDay(d);
      setByProvider(p);
      setBudget(b);
    } catch (e) {
      toast(`${t("spend.title")}: ${(e as Error).message}`, "error");
    }
  }, []);
  useEffect(() => void refresh(), [refresh, running]);
  const save = async () => {
    if (!budget) return;
    const limit = (text: string, old: Record<string, number>) => {
      const rest = Object.fromEntries(Object.entries(old).filter(([c]) => c !== currency));
      return text.trim() === "" ? rest : { ...rest, [currency]: Number(text) };
    };
    try {
      setBudget(await putBudget({ per_day: limit(perDay, budget.per_day), per_job: limit(perJob, budget.per_job) }));
      toast(t("spend.saved"));
    } catch (e) {
      toast((e as Error).message, "error");
    }
  };
  return (
    <div className="kg-spend">
      <h2>{t("spend.title")}</h2>
      <p data-testid="spend-today">
        {t("spend.today", { spent: formatTotal(budget?.today?.spent ?? {}) || "0", reserved: formatTotal(budget?.today?.reserved ?? {}) || "0" })}
      </p>
      {formatTotal(budget?.today?.maybe_charged ?? {}) && (
        <p className="kg-warn" data-testid="spend-maybe" title={t("spend.maybeTip")}>
          {t("spend.maybeCharged", { amount: formatTotal(budget?.today?.maybe_charged ?? {}) })}
        </p>
      )}
      <h3>{t("spend.byDay", { days: DAYS })}</h3>
      <Rows report={byDay} testId="spend-days" />
      <h3>{t("spend.byProvider")}</h3>
      <Rows report={byProvider} testId="spend-providers" />
      <h3>{t("spend.budget")}</h3>
      <p className="kg-muted" data-testid="spend-limits">
        {t("spend.limits", { day: formatTotal(budget?.per_day ?? {}) || "—", job: formatTotal(budget?.per_job ?? {}) || "—" })}
      </p>
      <div className="kg-spend-form">
        <select aria-label={t("spend.currency")} value={currency} onChange={(e) => setCurrency(e.target.value)}>
          {CURRENCIES.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        <input type="number" min={0} step="any" aria-label={t("spend.perDay")} placeholder={t("spend.perDay")} value={perDay} onChange={(e) => setPerDay(e.target.value)} />
        <input type="number" min={0} step="any" aria-label={t("spend.perJob")} placeholder={t("spend.perJob")} value={perJob} onChange={(e) => setPerJob(e.target.value)} />
        <button onClick={() => void save()}>{t("spend.save")}</button>
      </div>
    </div>
  );
}
