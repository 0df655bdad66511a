import { join } from 'node:path';
import { ConfigError, type Config } from '../config.ts';
import { createLocalEmbedder } from './local/local-embedder.ts';
import { createOpenAiProvider } from './openai.ts';

/** Turns texts into unit vectors; `model` is recorded beside each vector it makes. */
export interface EmbeddingProvider {
  readonly model: string;
  readonly dimensions: number;
  /** Computes in this process, with no network wait (search then embeds its query before anything else). */
  readonly inProcess?: boolean;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** The width of notes.embedding; narrower vectors are padded with zeros (cosine is unchanged). */
export const EMBEDDING_COLUMN_DIMS = 1536;

/** A vector as pgvector's text input, padded to the column's width. */
export function toVectorLiteral(v: ArrayLike<number>): string {
  if (v.length > EMBEDDING_COLUMN_DIMS) throw new Error(`vector has ${v.length} dimensions, more than ${EMBEDDING_COLUMN_DIMS}`);
  const parts = new Array<string>(EMBEDDING_COLUMN_DIMS);
  for (let i = 0; i < EMBEDDING_COLUMN_DIMS; i++) parts[i] = i < v.length ? String(Math.fround(v[i]!)) : '0';
  return `[${parts.join(',')}]`;
}

/** The configured provider: `local` (offline, default) or any OpenAI-compatible endpoint. */
export function createEmbeddingProvider(config: Config): EmbeddingProvider {
  if (config.EMBEDDINGS_PROVIDER === 'openai') {
    if (!config.OPENAI_API_KEY) throw new ConfigError('EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY');
    return createOpenAiProvider({ baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, model: config.EMBEDDINGS_MODEL });
  }
  return createLocalEmbedder({ cacheDir: join(config.MINDSTORM_DATA_DIR, 'models') });
}
