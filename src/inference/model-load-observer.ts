/**
 * What ModelHost reports about loading, for whoever watches from above (notifications); optional.
 * A model re-applied while still broken reports again: watchers decide what is news.
 */
export interface ModelLoadObserver {
  /** A version failed to load, or (version undefined) the model cannot be served at all (a broken model.yaml). */
  loadFailed(model: string, version: string | undefined, reason: string): void;
  /** A version loaded. */
  loaded?(model: string, version: string): void;
}
