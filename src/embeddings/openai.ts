import type { EmbeddingProvider } from './provider.ts';

/** A refusal from the embeddings endpoint; the message never carries the key or the texts. */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface OpenAiOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  dimensions?: number;
  batchSize?: number;
  maxRetries?: number;
  /** Back-off before retry n (0-based), unless the server said Retry-After. */
  backoffMs?: (attempt: number) => number;
  /** Texts are cut to this many characters (the endpoint limits tokens per input). */
  maxChars?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Any OpenAI-compatible /v1/embeddings endpoint: batched, retried with back-off on 429 and 5xx. */
export function createOpenAiProvider(opts: OpenAiOptions): EmbeddingProvider {
  const dimensions = opts.dimensions ?? 1536;
  const batchSize = opts.batchSize ?? 64;
  const maxRetries = opts.maxRetries ?? 5;
  const backoff = opts.backoffMs ?? ((n) => Math.min(30_000, 500 * 2 ** n) * (0.5 + Math.random() / 2));
  const maxChars = opts.maxChars ?? 24_000;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/embeddings`;

  async function call(input: string[]): Promise<Float32Array[]> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey}` },
          body: JSON.stringify({
            model: opts.model,
            input,
            ...(opts.model.startsWith('text-embedding-3') && { dimensions }),
          }),
        });
      } catch (err) {
        if (attempt >= maxRetries) throw new EmbeddingError(`the embeddings endpoint cannot be reached (${(err as Error).message})`, true);
        await sleep(backoff(attempt));
        continue;
      }
      if (res.ok) {
        const body = (await res.json()) as { data?: { index: number; embedding: number[] }[] };
        const data = [...(body.data ?? [])].sort((a, b) => a.index - b.index);
        if (data.length !== input.length || data.some((d) => !Array.isArray(d.embedding) || d.embedding.length === 0 || d.embedding.length > 1536)) {
          throw new EmbeddingError('the embeddings endpoint answered vectors of the wrong number or size', false);
        }
        return data.map((d) => Float32Array.from(d.embedding));
      }
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) {
        throw new EmbeddingError(`the embeddings endpoint refused the API key (HTTP ${res.status}); check OPENAI_API_KEY`, false);
      }
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= maxRetries) {
        throw new EmbeddingError(`the embeddings endpoint answered HTTP ${res.status}${retryable ? ` after ${attempt + 1} attempts` : ''}`, retryable);
      }
      const header = res.headers.get('retry-after');
      const after = header === null ? NaN : Number(header);
      await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, 60_000) : backoff(attempt));
    }
  }

  return {
    model: opts.model,
    dimensions,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        out.push(...(await call(texts.slice(i, i + batchSize).map((t) => t.slice(0, maxChars) || ' '))));
      }
      return out;
    },
  };
}
