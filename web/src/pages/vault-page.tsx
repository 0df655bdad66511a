// The vault: end-to-end encrypted notes. Every key operation runs here in the browser (src/vault,
// Argon2id in a Web Worker); the server stores only the wrapped key and ciphertext. The key stays
// in memory and is dropped on "Lock", on sign-out, on reload and after 15 idle minutes.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  decryptNote, encryptNote, isVaultError, newNoteId, RevisionTracker,
  type RevisionStore, type VaultEnvelope, type VaultKey,
} from '@vault';
import { ApiError, api, isMissing } from '../api/client.ts';
import type { VaultEnvelopeBody, VaultNoteBody } from '../api/types.ts';
import { MarkdownView } from '../components/markdown-view.tsx';
import { Empty, ErrorState, Loading, Spinner, Unavailable } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { formatDateTime } from '../lib/format.ts';
import { passphraseStrength } from '../lib/strength.ts';
import { useTitle } from '../lib/use-title.ts';
import { useSession } from '../session.tsx';
import { createVaultAsync, recoverAsync, unlockAsync } from '../vault/vault-client.ts';
import { AUTO_LOCK_MS, useVault } from '../vault/vault-context.tsx';

const MIN_PASSPHRASE = 12;

/** The header exactly as the vault module expects it (the API adds timestamps). */
const envelopeOf = (b: VaultEnvelopeBody): VaultEnvelope => ({ wrappedKey: b.wrappedKey, kdf: b.kdf }) as unknown as VaultEnvelope;

function vaultMessage(err: unknown): string {
  if (isVaultError(err)) {
    switch (err.code) {
      case 'unlock_failed':
        return 'That passphrase (or recovery key) does not open this vault.';
      case 'invalid_recovery_key':
        return 'That recovery key is mistyped: check the groups of four characters.';
      case 'unavailable':
        return 'This browser cannot run the vault (it needs Web Crypto and WebAssembly over HTTPS or localhost).';
      case 'weak_kdf':
      case 'kdf_limits':
      case 'unsupported_kdf':
      case 'unsupported_version':
        return 'The vault header has settings this app refuses (it may have been tampered with).';
      default:
        return err.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Highest revision seen per note, in localStorage: warns if the server replays an older save. */
function revisionStore(userId: string): RevisionStore {
  const key = `mindstorm:vault-revisions:${userId}`;
  const read = (): Record<string, number> => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '{}');
    } catch {
      return {};
    }
  };
  return {
    get: (id) => read()[id],
    set: (id, revision) => {
      const m = read();
      m[id] = revision;
      try {
        localStorage.setItem(key, JSON.stringify(m));
      } catch {
        /* ignore */
      }
    },
    delete: (id) => {
      const m = read();
      delete m[id];
      localStorage.setItem(key, JSON.stringify(m));
    },
  };
}

function StrengthMeter({ passphrase }: { passphrase: string }) {
  const s = passphraseStrength(passphrase);
  return (
    <div className="strength" data-score={s.score}>
      <meter min={0} max={4} low={2} high={3} optimum={4} value={s.score} aria-labelledby="strength-label" />
      <p id="strength-label" className="small">
        Strength: <strong>{passphrase ? s.label : '—'}</strong>
        {passphrase && <span className="muted"> · {s.hint}</span>}
      </p>
    </div>
  );
}

function SetupForm({ onCreated }: { onCreated: (recoveryKey: string | undefined) => void }) {
  const { user } = useSession();
  const vault = useVault();
  const queryClient = useQueryClient();
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const strength = passphraseStrength(pass);
  const problems = [
    pass.length < MIN_PASSPHRASE && `Use at least ${MIN_PASSPHRASE} characters.`,
    strength.score < 2 && pass.length >= MIN_PASSPHRASE && 'Choose a stronger passphrase.',
    confirm && confirm !== pass && 'The two passphrases differ.',
  ].filter(Boolean) as string[];
  const ready = pass.length >= MIN_PASSPHRASE && strength.score >= 2 && confirm === pass && understood;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) {
      setError(problems[0] ?? (!understood ? 'Confirm that you understand the warning.' : 'Check the form.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await createVaultAsync(pass, user.id);
      await api.vault.putKey(created.header);
      vault.setKey(created.vaultKey);
      onCreated(created.recoveryKey);
      await queryClient.invalidateQueries({ queryKey: ['vault-key'] });
    } catch (err) {
      setError(vaultMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card vault-form" onSubmit={submit} aria-labelledby="setup-title">
      <h2 id="setup-title">Set up your vault</h2>
      <p>
        Vault notes are encrypted in this browser before they are sent. The server never sees your passphrase, your key or
        your words.
      </p>
      <div className="banner banner-danger" role="note">
        <strong>A lost passphrase cannot be recovered.</strong> Nobody, not even the server's operator, can open your vault without
        it or the recovery key shown next. Write both down and keep them apart.
      </div>
      <div className="field">
        <label htmlFor="vault-pass" className="label">
          Passphrase
        </label>
        <input id="vault-pass" type="password" autoComplete="new-password" value={pass} onChange={(e) => setPass(e.target.value)} aria-describedby="strength-label" />
        <StrengthMeter passphrase={pass} />
      </div>
      <div className="field">
        <label htmlFor="vault-pass2" className="label">
          Passphrase again
        </label>
        <input id="vault-pass2" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </div>
      <label className="check">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I understand that if I lose both my
        passphrase and my recovery key, my vault notes are gone for good.
      </label>
      {(error || (confirm && problems.length > 0)) && (
        <p className="form-error" role="alert">
          {error ?? problems[0]}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? (
          <>
            <Spinner small /> Creating the vault…
          </>
        ) : (
          'Create vault'
        )}
      </button>
    </form>
  );
}

function RecoveryKeyPanel({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card vault-form" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Your recovery key</h2>
      <p>
        This key opens your vault if you forget the passphrase. <strong>It is shown only this once</strong> and is not stored
        anywhere: write it down or keep it in a password manager.
      </p>
      <p className="secret" data-testid="recovery-key">
        <code>{recoveryKey}</code>
      </p>
      <div className="row">
        <button
          type="button"
          className="btn"
          onClick={() => {
            void navigator.clipboard?.writeText(recoveryKey).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved my recovery key
      </label>
      <button type="button" className="btn btn-primary" disabled={!saved} onClick={onDone}>
        Open my vault
      </button>
    </section>
  );
}

function UnlockForm({ header }: { header: VaultEnvelope }) {
  const { user } = useSession();
  const vault = useVault();
  const [useRecovery, setUseRecovery] = useState(false);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!secret) return;
    setBusy(true);
    setError(null);
    try {
      const key = useRecovery ? await recoverAsync(header, secret, user.id) : await unlockAsync(header, secret, user.id);
      setSecret('');
      vault.setKey(key);
    } catch (err) {
      setError(vaultMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card vault-form" onSubmit={submit} aria-labelledby="unlock-title">
      <h2 id="unlock-title">Unlock your vault</h2>
      {vault.lockedBy === 'idle' && (
        <p className="banner banner-info" role="status">
          The vault locked itself after {AUTO_LOCK_MS / 60000} minutes without activity.
        </p>
      )}
      <div className="field">
        <label htmlFor="vault-secret" className="label">
          {useRecovery ? 'Recovery key' : 'Passphrase'}
        </label>
        <input
          id="vault-secret"
          type={useRecovery ? 'text' : 'password'}
          autoComplete={useRecovery ? 'off' : 'current-password'}
          spellCheck={false}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoFocus
          placeholder={useRecovery ? 'XXXX-XXXX-…' : ''}
        />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy || !secret}>
          {busy ? (
            <>
              <Spinner small /> Unlocking…
            </>
          ) : (
            'Unlock'
          )}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setUseRecovery((r) => !r);
            setSecret('');
            setError(null);
          }}
        >
          {useRecovery ? 'Use the passphrase' : 'Use the recovery key'}
        </button>
      </div>
    </form>
  );
}

interface OpenNote {
  id: string;
  title: string;
  body: string;
  revision: number;
  updatedAt: string;
  rollback?: boolean;
  error?: string;
}

async function fetchAllRecords(): Promise<VaultNoteBody[]> {
  const all: VaultNoteBody[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await api.vault.list(cursor);
    all.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return all;
}

function VaultEditor({ initial, onSave, onCancel, busy }: { initial: { title: string; body: string }; onSave: (t: string, b: string) => void; onCancel: () => void; busy: boolean }) {
  const [title, setTitle] = useState(initial.title);
  const [body, setBody] = useState(initial.body);
  return (
    <form
      className="card editor-card"
      aria-label="Vault note"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim() || title.trim()) onSave(title.trim(), body);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          if (body.trim() || title.trim()) onSave(title.trim(), body);
        }
      }}
    >
      <div className="field">
        <label htmlFor="vault-title" className="label">
          Title
        </label>
        <input id="vault-title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
      </div>
      <div className="field">
        <label htmlFor="vault-body" className="label">
          Secret note (Markdown)
        </label>
        <textarea id="vault-body" className="editor" rows={10} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <p className="muted small">Encrypted in this browser with AES-256-GCM before it is sent.</p>
      <div className="row end">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy && <Spinner small />} Encrypt and save
        </button>
      </div>
    </form>
  );
}

function VaultNotes({ vaultKey }: { vaultKey: VaultKey }) {
  const { user } = useSession();
  const vault = useVault();
  const toast = useToast();
  const queryClient = useQueryClient();
  const tracker = useMemo(() => new RevisionTracker(revisionStore(user.id)), [user.id]);
  const records = useQuery({ queryKey: ['vault-notes'], queryFn: fetchAllRecords });
  const [notes, setNotes] = useState<OpenNote[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<'new' | string | null>(null);
  const [busy, setBusy] = useState(false);

  // decrypt what the server holds; plaintext lives in this component's state only
  useEffect(() => {
    if (!records.data) return;
    let cancelled = false;
    void (async () => {
      const out: OpenNote[] = [];
      for (const r of records.data) {
        try {
          const { plaintext, revision } = await decryptNote({ vaultKey, userId: user.id, noteId: r.id, record: r });
          const check = tracker.observe(r.id, revision);
          out.push({ id: r.id, title: plaintext.title ?? '', body: plaintext.body, revision, updatedAt: r.updatedAt, rollback: check.rollback });
        } catch (err) {
          out.push({ id: r.id, title: '', body: '', revision: 0, updatedAt: r.updatedAt, error: vaultMessage(err) });
        }
      }
      if (!cancelled) setNotes(out);
    })();
    return () => {
      cancelled = true;
    };
  }, [records.data, vaultKey, user.id, tracker]);

  const save = useCallback(
    async (title: string, body: string) => {
      setBusy(true);
      try {
        if (editing === 'new') {
          const id = newNoteId();
          const record = await encryptNote({ vaultKey, userId: user.id, noteId: id, revision: 1, plaintext: { title, body } });
          await api.vault.create(id, record);
          tracker.observe(id, 1);
          setSelected(id);
        } else if (editing) {
          const current = notes?.find((n) => n.id === editing);
          const revision = (current?.revision ?? 0) + 1;
          const record = await encryptNote({ vaultKey, userId: user.id, noteId: editing, revision, plaintext: { title, body } });
          await api.vault.replace(editing, record);
          tracker.observe(editing, revision);
        }
        setEditing(null);
        await queryClient.invalidateQueries({ queryKey: ['vault-notes'] });
        toast.show('Encrypted and saved');
      } catch (err) {
        toast.show(`Not saved: ${err instanceof ApiError ? err.message : vaultMessage(err)}`, { tone: 'error' });
      } finally {
        setBusy(false);
      }
    },
    [editing, notes, queryClient, toast, tracker, user.id, vaultKey],
  );

  const remove = useMutation({
    mutationFn: (id: string) => api.vault.delete(id),
    onSuccess: () => {
      setSelected(null);
      void queryClient.invalidateQueries({ queryKey: ['vault-notes'] });
      toast.show('Vault note moved to the trash');
    },
  });

  const open = notes?.find((n) => n.id === selected) ?? null;
  return (
    <div className="vault-unlocked">
      <div className="row vault-bar">
        <span className="badge badge-ok">
          <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 7.5-2" /></svg>
          Unlocked
        </span>
        <span className="muted small">Locks itself after {AUTO_LOCK_MS / 60000} idle minutes.</span>
        <span className="grow" />
        <button type="button" className="btn" onClick={() => { setEditing('new'); setSelected(null); }}>
          New secret note
        </button>
        <button type="button" className="btn btn-primary" onClick={() => vault.lock('user')}>
          Lock
        </button>
      </div>
      <div className="vault-layout">
        <div className="vault-list">
          <h2 className="visually-hidden">Vault notes</h2>
          {records.isPending || (records.data && !notes) ? (
            <Loading label="Decrypting…" />
          ) : records.isError ? (
            <ErrorState error={records.error} what="vault notes" retry={() => void records.refetch()} />
          ) : notes!.length === 0 ? (
            <Empty title="Your vault is empty.">Secret notes are encrypted here before they leave this browser.</Empty>
          ) : (
            <ul className="vault-notes">
              {notes!.map((n) => (
                <li key={n.id}>
                  <button type="button" className={selected === n.id ? 'vault-item selected' : 'vault-item'} aria-current={selected === n.id ? 'true' : undefined} onClick={() => { setSelected(n.id); setEditing(null); }}>
                    <span className="vault-item-title">{n.error ? 'Unreadable note' : n.title || n.body.split('\n')[0]?.slice(0, 60) || 'Untitled'}</span>
                    <span className="muted small">{formatDateTime(n.updatedAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="vault-detail">
          {editing ? (
            <VaultEditor
              key={editing}
              initial={editing === 'new' ? { title: '', body: '' } : { title: open?.title ?? '', body: open?.body ?? '' }}
              onSave={(t, b) => void save(t, b)}
              onCancel={() => setEditing(null)}
              busy={busy}
            />
          ) : open ? (
            <article className="card note-full" aria-labelledby="vault-note-title">
              {open.error ? (
                <p className="form-error" role="alert">{open.error}</p>
              ) : (
                <>
                  {open.rollback && (
                    <p className="banner banner-warn" role="alert">
                      The server sent an older version of this note than this browser has seen before.
                    </p>
                  )}
                  <h2 id="vault-note-title">{open.title || 'Untitled'}</h2>
                  <MarkdownView source={open.body} />
                  <p className="muted small">
                    Revision {open.revision} · saved {formatDateTime(open.updatedAt)}
                  </p>
                </>
              )}
              <div className="row">
                {!open.error && (
                  <button type="button" className="btn" onClick={() => setEditing(open.id)}>
                    Edit
                  </button>
                )}
                <button type="button" className="btn btn-danger-ghost" onClick={() => remove.mutate(open.id)}>
                  Delete
                </button>
              </div>
            </article>
          ) : (
            notes && notes.length > 0 && <p className="muted">Choose a note to read it.</p>
          )}
        </div>
      </div>
    </div>
  );
}

export function VaultPage() {
  useTitle('Vault');
  const vault = useVault();
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const header = useQuery({
    queryKey: ['vault-key'],
    queryFn: async () => {
      try {
        return await api.vault.getKey();
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && !isMissing(err)) return null; // not set up yet
        throw err;
      }
    },
  });
  return (
    <section className="page vault-page">
      <header className="page-head">
        <h1>Vault</h1>
        {vault.key && <span className="muted small">End-to-end encrypted</span>}
      </header>
      {recoveryKey ? (
        <RecoveryKeyPanel recoveryKey={recoveryKey} onDone={() => setRecoveryKey(null)} />
      ) : header.isPending ? (
        <Loading label="Loading the vault…" />
      ) : header.isError ? (
        isMissing(header.error) ? <Unavailable feature="The vault" /> : <ErrorState error={header.error} what="the vault" retry={() => void header.refetch()} />
      ) : header.data === null ? (
        <SetupForm onCreated={(k) => setRecoveryKey(k ?? null)} />
      ) : vault.key ? (
        <VaultNotes vaultKey={vault.key} />
      ) : (
        <UnlockForm header={envelopeOf(header.data)} />
      )}
    </section>
  );
}
