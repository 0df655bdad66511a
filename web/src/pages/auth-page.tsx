// Sign in and sign up: one page, two modes; the server sets the HttpOnly session cookie.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client.ts';
import { ThemeToggle } from '../components/layout.tsx';
import { Spinner } from '../components/states.tsx';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

export function AuthPage() {
  const { path } = useLocation();
  const mode = path === '/signup' ? 'signup' : 'signin';
  useTitle(mode === 'signup' ? 'Create an account' : 'Sign in');
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (mode === 'signup' && password.length < 10) {
      setError('Use at least 10 characters for your password.');
      return;
    }
    setBusy(true);
    try {
      const { user } = mode === 'signup' ? await api.auth.signUp(email.trim(), password) : await api.auth.signIn(email.trim(), password);
      queryClient.setQueryData(['me'], user);
      if (path === '/signin' || path === '/signup') navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That email and password do not match an account.');
      else if (err instanceof ApiError && err.status === 409) setError('An account with this email exists already. Sign in instead.');
      else if (err instanceof ApiError && err.status === 429) setError('Too many attempts. Wait a few minutes, then try again.');
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <div className="auth-theme">
        <ThemeToggle />
      </div>
      <main className="auth-card card" id="main">
        <div className="auth-brand" aria-hidden="true">
          <svg viewBox="0 0 64 64" className="brand-mark"><rect width="64" height="64" rx="14" /><path d="M18 44V20l14 14 14-14v24" /></svg>
          MindStorm
        </div>
        <h1>{mode === 'signup' ? 'Create your account' : 'Welcome back'}</h1>
        <p className="muted">{mode === 'signup' ? 'Notes that think with you: found by meaning, grouped by topic, private by design.' : 'Sign in to your notes.'}</p>
        <form onSubmit={submit} className="stack-form" noValidate>
          <div className="field">
            <label htmlFor="email" className="label">
              Email
            </label>
            <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="password" className="label">
              Password
            </label>
            <input
              id="password"
              type="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              minLength={mode === 'signup' ? 10 : undefined}
              aria-describedby={mode === 'signup' ? 'password-help' : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {mode === 'signup' && (
              <p id="password-help" className="help">
                At least 10 characters.
              </p>
            )}
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy && <Spinner small />} {mode === 'signup' ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'signup' ? (
            <>
              Have an account? <Link to="/signin">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/signup">Create an account</Link>
            </>
          )}
        </p>
      </main>
    </div>
  );
}
