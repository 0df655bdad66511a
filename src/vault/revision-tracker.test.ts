// Rollback detection with an injected store.
import { describe, expect, it } from 'vitest';
import { decryptNote, encryptNote } from './note-crypto.ts';
import { newNoteId } from './random.ts';
import { RevisionTracker, type RevisionStore } from './revision-tracker.ts';
import { importVaultKey } from './vault.ts';

describe('RevisionTracker', () => {
  it('classifies new, advanced, current and rolled-back revisions and never lowers the mark', () => {
    const t = new RevisionTracker();
    expect(t.observe('n1', 3)).toEqual({ status: 'new', highest: 3, rollback: false });
    expect(t.observe('n1', 5)).toEqual({ status: 'advanced', highest: 5, rollback: false });
    expect(t.observe('n1', 5)).toEqual({ status: 'current', highest: 5, rollback: false });
    expect(t.observe('n1', 4)).toEqual({ status: 'rollback', highest: 5, rollback: true });
    expect(t.highest('n1')).toBe(5);
    expect(t.observe('n2', 0).status).toBe('new');
    expect(t.check('n1', 1).rollback).toBe(true);
    expect(t.nextRevision('n1')).toBe(6);
    expect(t.nextRevision('unknown')).toBe(1);
    expect(() => t.observe('n1', -1)).toThrow(RangeError);
  });

  it('keeps its state only in the injected store (keys lowercased)', () => {
    const data: Record<string, number> = {};
    const calls: string[] = [];
    const store: RevisionStore = {
      get: (k) => { calls.push(`get ${k}`); return data[k]; },
      set: (k, v) => { calls.push(`set ${k}=${v}`); data[k] = v; },
      delete: (k) => { calls.push(`delete ${k}`); delete data[k]; },
    };
    const t = new RevisionTracker(store);
    t.observe('ABC', 2);
    t.observe('abc', 1);
    expect(data).toEqual({ abc: 2 });
    // A second tracker over the same store (e.g. after a reload) remembers.
    expect(new RevisionTracker(store).check('abc', 1).rollback).toBe(true);
    t.forget('abc');
    expect(data).toEqual({});
    expect(calls).toContain('set abc=2');
    expect(calls.filter((c) => c.startsWith('set'))).toHaveLength(1);
  });

  it('flags a server that serves an older, validly encrypted revision', async () => {
    const vaultKey = await importVaultKey(crypto.getRandomValues(new Uint8Array(32)));
    const userId = 'u-1';
    const noteId = newNoteId();
    const v1 = await encryptNote({ vaultKey, userId, noteId, revision: 1, plaintext: { body: 'first' } });
    const v2 = await encryptNote({ vaultKey, userId, noteId, revision: 2, plaintext: { body: 'second' } });
    const tracker = new RevisionTracker(new Map());
    const seen2 = await decryptNote({ vaultKey, userId, noteId, record: v2 });
    expect(tracker.observe(noteId, seen2.revision).rollback).toBe(false);
    // The old record still authenticates (it is genuine), so only the tracker can tell it is stale.
    const replayed = await decryptNote({ vaultKey, userId, noteId, record: v1 });
    expect(replayed.revision).toBe(1);
    expect(tracker.observe(noteId, replayed.revision)).toEqual({ status: 'rollback', highest: 2, rollback: true });
  });
});
