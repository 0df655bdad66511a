// Settings: appearance, password, time zone, API tokens, export and import, deleting the account.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, api, isMissing } from '../api/client.ts';
import { ErrorState, Loading, Spinner } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { formatBytes, formatDate, formatDateTime } from '../lib/format.ts';
import { navigate } from '../lib/router.tsx';
import { applyTheme, loadTheme, type ThemePref } from '../lib/theme.ts';
import { useTitle } from '../lib/use-title.ts';
import { useSession } from '../session.tsx';
import { useVault } from '../vault/vault-context.tsx';

function Section({ id, title, children, danger = false }: { id: string; title: string; children: ReactNode; danger?: boolean }) {
  return (
    <section className={danger ? 'card settings-section danger' : 'card settings-section'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Appearance() {
  const [pref, setPref] = useState<ThemePref>(loadTheme);
  return (
    <Section id="appearance" title="Appearance">
      <div className="field">
        <label htmlFor="theme" className="label">
          Theme
        </label>
        <select
          id="theme"
          value={pref}
          onChange={(e) => {
            const v = e.target.value as ThemePref;
            setPref(v);
            applyTheme(v);
            window.dispatchEvent(new Event('mindstorm:theme'));
          }}
        >
          <option value="system">Same as the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
    </Section>
  );
}

function PasswordForm() {
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => api.me.changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
      setError(null);
      toast.show('Password changed. Your other sessions were signed out.');
    },
    onError: (e) => setError(e instanceof ApiError && e.status === 403 ? 'The current password is wrong.' : (e as Error).message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next.length < 10) return setError('Use at least 10 characters for the new password.');
    if (next !== confirm) return setError('The two new passwords differ.');
    setError(null);
    change.mutate();
  };
  return (
    <form onSubmit={submit} className="stack-form" aria-label="Change password">
      <h3>Change password</h3>
      <div className="field">
        <label htmlFor="pw-current" className="label">
          Current password
        </label>
        <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="pw-new" className="label">
          New password
        </label>
        <input id="pw-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="pw-confirm" className="label">
          New password again
        </label>
        <input id="pw-confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn" disabled={change.isPending || !current || !next}>
        {change.isPending && <Spinner small />} Change password
      </button>
    </form>
  );
}

function TimeZone() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: api.me.settings, retry: false });
  const zones = useMemo(() => {
    try {
      return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    } catch {
      return [] as string[];
    }
  }, []);
  const update = useMutation({
    mutationFn: (timeZone: string) => api.me.updateSettings({ timeZone }),
    onSuccess: (s) => {
      queryClient.setQueryData(['settings'], s);
      void queryClient.invalidateQueries({ queryKey: ['insights'] });
      toast.show(`Time zone set to ${s.timeZone}`);
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  if (settings.isError && isMissing(settings.error)) return null; // the server has no settings yet: no control
  if (settings.isPending) return <Loading label="Loading settings…" />;
  if (settings.isError) return <ErrorState error={settings.error} what="settings" retry={() => void settings.refetch()} />;
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const options = zones.includes(settings.data.timeZone) ? zones : [settings.data.timeZone, ...zones];
  return (
    <Section id="timezone" title="Time zone">
      <p className="muted small">Weeks (for insights) and days are counted in this time zone.</p>
      <div className="row">
        <div className="field">
          <label htmlFor="tz" className="label">
            Time zone
          </label>
          <select id="tz" value={settings.data.timeZone} onChange={(e) => update.mutate(e.target.value)} disabled={update.isPending}>
            {options.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
        {browserZone && browserZone !== settings.data.timeZone && (
          <button type="button" className="btn btn-small" onClick={() => update.mutate(browserZone)}>
            Use this device's ({browserZone})
          </button>
        )}
      </div>
    </Section>
  );
}

function Tokens() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: api.tokens.list });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () => api.tokens.create(name.trim()),
    onSuccess: (t) => {
      setCreated({ name: t.name, token: t.token });
      setCopied(false);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.tokens.revoke(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tokens'] });
      toast.show('Token revoked');
    },
  });
  return (
    <Section id="tokens" title="API tokens">
      <p className="muted small">For scripts and other apps: send it as <code>Authorization: Bearer …</code>. A token is shown once.</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <div className="field grow">
          <label htmlFor="token-name" className="label">
            Token name
          </label>
          <input id="token-name" placeholder="e.g. backup script" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="btn" disabled={!name.trim() || create.isPending}>
          Create token
        </button>
      </form>
      {created && (
        <div className="banner banner-info token-once" role="status">
          <p>
            <strong>Copy “{created.name}” now:</strong> it will not be shown again.
          </p>
          <p className="secret">
            <code data-testid="new-token">{created.token}</code>
          </p>
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(created.token).then(() => setCopied(true))}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} what="tokens" retry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <p className="muted">No tokens.</p>
      ) : (
        <ul className="token-list">
          {tokens.data.items.map((t) => (
            <li key={t.id}>
              <span>
                <strong>{t.name}</strong>
                <span className="muted small">
                  {' '}
                  created {formatDate(t.createdAt)} · {t.lastUsedAt ? `last used ${formatDateTime(t.lastUsedAt)}` : 'never used'}
                </span>
              </span>
              <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke ${t.name}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ProgressBar({ done, total, label }: { done: number; total: number | null; label: string }) {
  return (
    <div className="progress-line">
      <progress max={total ?? undefined} value={total ? done : undefined} aria-label={label} />
      <span className="muted small">
        {formatBytes(done)}
        {total ? ` of ${formatBytes(total)}` : ''}
      </span>
    </div>
  );
}

function ExportImport() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [exp, setExp] = useState<{ done: number; total: number | null } | null>(null);
  const [imp, setImp] = useState<{ done: number; total: number | null } | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const describe = (err: unknown, what: string) =>
    isMissing(err) || (err instanceof ApiError && err.status === 404)
      ? `${what} is not available on this server yet.`
      : `${what} failed: ${err instanceof Error ? err.message : String(err)}`;

  const doExport = async () => {
    setMessage(null);
    setExp({ done: 0, total: null });
    try {
      const blob = await api.exportAll((done, total) => setExp({ done, total }));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `mindstorm-export-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage({ tone: 'ok', text: `Exported ${formatBytes(blob.size)}.` });
    } catch (err) {
      setMessage({ tone: 'error', text: describe(err, 'Export') });
    } finally {
      setExp(null);
    }
  };

  const doImport = async () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    setMessage(null);
    setImp({ done: 0, total: file.size });
    try {
      await api.importAll(file, (done, total) => setImp({ done, total }));
      setMessage({ tone: 'ok', text: `Imported ${file.name}.` });
      void queryClient.invalidateQueries();
      toast.show('Import finished');
    } catch (err) {
      setMessage({ tone: 'error', text: describe(err, 'Import') });
    } finally {
      setImp(null);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <Section id="export" title="Export and import">
      <p className="muted small">Everything of yours in one JSON file: notes, stacks, insights, and the vault still encrypted.</p>
      <div className="row">
        <button type="button" className="btn" onClick={() => void doExport()} disabled={exp !== null}>
          {exp ? <Spinner small /> : null} Export everything
        </button>
      </div>
      {exp && <ProgressBar {...exp} label="Export progress" />}
      <div className="row import-row">
        <div className="field">
          <label htmlFor="import-file" className="label">
            Import an export file
          </label>
          <input id="import-file" ref={fileRef} type="file" accept="application/json,.json" />
        </div>
        <button type="button" className="btn" onClick={() => void doImport()} disabled={imp !== null}>
          Import
        </button>
      </div>
      {imp && <ProgressBar {...imp} label="Import progress" />}
      {message && (
        <p className={message.tone === 'ok' ? 'form-ok' : 'form-error'} role={message.tone === 'ok' ? 'status' : 'alert'} data-testid="transfer-message">
          {message.text}
        </p>
      )}
    </Section>
  );
}

function DeleteAccount() {
  const queryClient = useQueryClient();
  const vault = useVault();
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const del = useMutation({
    mutationFn: () => api.me.delete(password),
    onSuccess: () => {
      vault.lock();
      queryClient.setQueryData(['me'], null); // first: the signed-in tree unmounts
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      navigate('/signup');
    },
    onError: (e) => setError(e instanceof ApiError && e.status === 403 ? 'The password is wrong.' : (e as Error).message),
  });
  return (
    <Section id="delete" title="Delete account" danger>
      <p>Deletes your account and everything in it: notes, stacks, the vault, insights, tokens. This cannot be undone.</p>
      <form
        className="stack-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (sure && password) del.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="delete-password" className="label">
            Your password
          </label>
          <input id="delete-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} /> Yes, delete my account and all my data
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-danger" disabled={!sure || !password || del.isPending}>
          Delete my account
        </button>
      </form>
    </Section>
  );
}

export function SettingsPage() {
  useTitle('Settings');
  const { user, signOut } = useSession();
  return (
    <section className="page settings">
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      <Section id="account" title="Account">
        <p>
          Signed in as <strong>{user.email}</strong> since {formatDate(user.createdAt)}.
        </p>
        <button type="button" className="btn" onClick={() => void signOut()}>
          Sign out
        </button>
        <PasswordForm />
      </Section>
      <Appearance />
      <TimeZone />
      <Tokens />
      <ExportImport />
      <DeleteAccount />
    </section>
  );
}
