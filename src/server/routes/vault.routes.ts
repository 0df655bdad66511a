import { z } from 'zod';
import type { AccountsService } from '../../services/accounts.service.ts';
import type { VaultService } from '../../services/vault.service.ts';
import { fromBase64 } from '../../vault/base64.ts';
import { principalOf, requireAuth } from '../auth.ts';
import { presentVaultKey, presentVaultNote } from '../presenters/vault.ts';
import { authErrors, errorBody, idParams, secured, text } from '../schemas.ts';
import type { App } from '../types.ts';

/** Canonical standard base64 (docs/vault.md section 2) whose decoded length passes `ok`. */
const base64 = (ok: (bytes: number) => boolean, what: string) =>
  z
    .string()
    .refine((s) => {
      try {
        return ok(fromBase64(s).length);
      } catch {
        return false;
      }
    }, `must be standard base64 with padding of ${what}`)
    .meta({ contentEncoding: 'base64', description: what });

// PostgreSQL's jsonb refuses NUL characters and lone surrogates (a 500 if they got through), and
// deep nesting; a KDF description needs none of them.
function storable(v: unknown, depth = 0): boolean {
  if (depth > 16) return false;
  if (typeof v === 'string') return !v.includes('\u0000') && !/\p{Cs}/u.test(v);
  if (Array.isArray(v)) return v.every((x) => storable(x, depth + 1));
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => storable(k) && storable(x, depth + 1));
  return true;
}

const kdf = z
  .record(z.string(), z.unknown())
  .refine((v) => storable(v), 'must be plain JSON (no NUL characters or lone surrogates, nested at most 16 deep)')
  .describe('the key-derivation settings, stored and returned as given (at most 2 KB)');

const record = {
  ciphertext: base64((n) => n >= 25, 'the sealed note, at least 25 bytes (at most 140 KB as base64)'),
  iv: base64((n) => n === 12, '12 bytes'),
  salt: base64((n) => n === 32, '32 bytes'),
};

/** The vault header: opaque to the server (docs/vault.md section 4). */
export const vaultKeyBody = z
  .object({ wrappedKey: z.string(), kdf: z.record(z.string(), z.unknown()), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'VaultKey' });

/** An encrypted vault note: opaque base64 strings (docs/vault.md section 5.4). */
export const vaultNoteBody = z
  .object({ id: z.uuid(), ciphertext: z.string(), iv: z.string(), salt: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'VaultNote' });

const tooLarge = { 413: errorBody };

/** The vault's storage: the key envelope and encrypted notes, never decrypted here. */
export function vaultRoutes(app: App, accounts: AccountsService, vault: VaultService): void {
  const common = { preHandler: requireAuth(accounts) };
  const doc = (summary: string) => ({ tags: ['vault'], summary, security: secured });

  app.get(
    '/api/vault/key',
    { ...common, schema: { ...doc('The vault header (404 before set-up)'), response: { 200: vaultKeyBody, ...authErrors } } },
    async (req) => presentVaultKey(await vault.getKey(principalOf(req).userId)),
  );

  app.put(
    '/api/vault/key',
    {
      ...common,
      schema: {
        ...doc('Set up the vault or replace its header'),
        body: z.strictObject({ wrappedKey: base64((n) => n > 0, 'the wrapped vault key'), kdf }),
        response: { 200: vaultKeyBody, ...authErrors, ...tooLarge },
      },
    },
    async (req) => presentVaultKey(await vault.putKey(principalOf(req).userId, req.body.wrappedKey, req.body.kdf)),
  );

  app.get(
    '/api/vault/notes',
    {
      ...common,
      schema: {
        ...doc('Vault notes, newest first, a page at a time'),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: text(200).optional() }),
        response: { 200: z.object({ items: z.array(vaultNoteBody), nextCursor: z.string().nullable() }), ...authErrors },
      },
    },
    async (req) => {
      const page = await vault.list(principalOf(req).userId, req.query.cursor, req.query.limit);
      return { items: page.items.map(presentVaultNote), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/vault/notes',
    {
      ...common,
      schema: {
        ...doc('Store a vault note under the id it was encrypted for'),
        body: z.strictObject({ id: z.uuid().optional().describe('the id bound into the encryption (a UUID the client made)'), ...record }),
        response: { 201: vaultNoteBody, ...authErrors, 409: errorBody, ...tooLarge },
      },
    },
    async (req, reply) => {
      const { id, ...rec } = req.body;
      return reply.status(201).send(presentVaultNote(await vault.create(principalOf(req).userId, id, rec)));
    },
  );

  app.get(
    '/api/vault/notes/:id',
    { ...common, schema: { ...doc('One vault note'), params: idParams, response: { 200: vaultNoteBody, ...authErrors } } },
    async (req) => presentVaultNote(await vault.get(principalOf(req).userId, req.params.id)),
  );

  app.put(
    '/api/vault/notes/:id',
    {
      ...common,
      schema: {
        ...doc("Replace a vault note's record with a newer save"),
        params: idParams,
        body: z.strictObject(record),
        response: { 200: vaultNoteBody, ...authErrors, ...tooLarge },
      },
    },
    async (req) => presentVaultNote(await vault.replace(principalOf(req).userId, req.params.id, req.body)),
  );

  app.delete(
    '/api/vault/notes/:id',
    { ...common, schema: { ...doc('Move a vault note to the trash (purged after 30 days)'), params: idParams, response: { 204: z.null(), ...authErrors } } },
    async (req, reply) => {
      await vault.trash(principalOf(req).userId, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
