import { z } from 'zod';

// Shared request and response schemas: the same zod objects validate requests and write the
// OpenAPI document.

/** A string PostgreSQL can store: no NUL characters. */
export const text = (max?: number) => {
  const s = max ? z.string().max(max) : z.string();
  return s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
};

export const idParams = z.strictObject({ id: z.uuid() });

export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error', description: 'Every error: a stable code and a readable message' });

export const userBody = z.object({ id: z.uuid(), email: z.string(), createdAt: z.string() }).meta({ id: 'User' });

export const noteBody = z
  .object({
    id: z.uuid(),
    content: z.string(),
    tags: z.array(z.string()),
    clusterId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Note' });

/** The error answers every authenticated route can give. */
export const authErrors = { 400: errorBody, 401: errorBody, 404: errorBody, 429: errorBody };

/** Marks a route as needing a session or API token in the OpenAPI document. */
export const secured: { [scheme: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
