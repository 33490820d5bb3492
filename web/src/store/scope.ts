/**
 * Injectable stores. Every canvas store is made by a factory; `scoped(name, factory)`
 * makes the app's instance and returns its hook. Components read the store that the
 * nearest <StoresContext.Provider> gives (a test, or a second canvas on the page, passes
 * its own set from createStores()), else the app's. Code outside React (actions, socket
 * handlers) uses `hook.getState()/setState()/subscribe()`, which reach the app's store, or
 * the stores passed to `withStores(stores, fn)` while `fn` runs (synchronously).
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { StoreApi } from "zustand";

export type StoreSet = Record<string, StoreApi<unknown>>;

/** The stores a subtree reads (null: the app's). */
export const StoresContext = createContext<StoreSet | null>(null);

const app: StoreSet = {};
let current: StoreSet = app;

export interface ScopedStore<S> {
  <T>(selector: (s: S) => T): T;
  getState: () => S;
  setState: StoreApi<S>["setState"];
  subscribe: StoreApi<S>["subscribe"];
  /** The factory, for a new independent instance. */
  create: () => StoreApi<S>;
}

export function scoped<S>(name: string, factory: () => StoreApi<S>): ScopedStore<S> {
  app[name] = factory() as StoreApi<unknown>;
  const api = () => (current[name] ?? app[name]) as StoreApi<S>;
  function useScoped<T>(selector: (s: S) => T): T {
    const given = useContext(StoresContext);
    const store = ((given && given[name]) ?? api()) as StoreApi<S>;
    // As zustand's useStore, but a server render (tests) reads the current state, not the initial one.
    const read = () => selector(store.getState());
    return useSyncExternalStore(store.subscribe, read, read);
  }
  useScoped.getState = () => api().getState();
  useScoped.setState = ((partial, replace) => api().setState(partial as never, replace as never)) as StoreApi<S>["setState"];
  useScoped.subscribe = ((listener) => api().subscribe(listener)) as StoreApi<S>["subscribe"];
  useScoped.create = factory;
  return useScoped;
}

/** Run `fn` with `stores` in place of the app's (for the stores it names). */
export function withStores<T>(stores: StoreSet, fn: () => T): T {
  const before = current;
  current = { ...before, ...stores };
  try {
    return fn();
  } finally {
    current = before;
  }
}
