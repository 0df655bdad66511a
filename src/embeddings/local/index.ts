/** Public surface of the offline `local` embeddings provider. */

/** The provider, its parameters and the pure per-text core (for the app and the eval script). */
export {
  createLocalEmbedder,
  embedText,
  makeModel,
  modelId,
  DEFAULT_PARAMS,
  DEFAULT_VOCAB_LIMIT,
  LOCAL_MODEL_ID,
  DB_DIMENSIONS,
  type LocalEmbedder,
  type LocalEmbedderOptions,
  type LocalParams,
  type LocalModel,
} from './local-embedder.ts';
/** The word-vector cache, to pre-build it (e.g. at install) or measure variants. */
export { loadGloveStore, cacheFileName } from './glove-cache.ts';
