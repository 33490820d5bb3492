/** Keyboard for a filter box over a list: arrows move, Enter picks, Esc closes. True when the key was handled. */
export function listKeys<T>(key: string, items: readonly T[], active: number, setActive: (f: (a: number) => number) => void, pick: (item: T) => void, close: () => void): boolean {
  if (key === "ArrowDown") setActive((a) => Math.min(items.length - 1, a + 1));
  else if (key === "ArrowUp") setActive((a) => Math.max(0, a - 1));
  else if (key === "Enter" && items[active] !== undefined) pick(items[active]);
  else if (key === "Escape") close();
  else return false;
  return true;
}
