/** Public surface of the offline `local` embeddings provider. */

export {
  createLocalEmbedder,
  padTo1536,
  embedText,
  makeModel,
  DEFAULT_PARAMS,
  DEFAULT_VOCAB_LIMIT,
  LOCAL_MODEL_ID,
  DB_DIMENSIONS,
  type LocalEmbedder,
  type LocalEmbedderOptions,
  type LocalParams,
  type LocalModel,
} from './local-embedder.ts';
export { loadGloveStore, cacheFileName } from './glove-cache.ts';
