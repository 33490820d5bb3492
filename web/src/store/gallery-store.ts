/** The batch gallery's state: which job's gallery is open, and per canvas tab the last
 * batch it ran (the chip beside Run). */
import { createStore } from "zustand";
import { scoped } from "./scope";

export interface BatchSummary {
  jobId: string;
  total: number;
  failed: number;
}

export interface GalleryState {
  /** The job whose gallery is open, or null. */
  jobId: string | null;
  /** Per canvas tab: the last batch it ran. */
  lastBatch: Record<string, BatchSummary>;
}

export const createGalleryStore = () => createStore<GalleryState>()(() => ({ jobId: null, lastBatch: {} }));
export const useGallery = scoped("gallery", createGalleryStore);
