// Loading, empty and error states: every page uses these, so they look and read the same everywhere.
import type { ReactNode } from 'react';
import { ApiError, isMissing } from '../api/client.ts';

export function Spinner({ small = false }: { small?: boolean }) {
  return <span className={small ? 'spinner spinner-small' : 'spinner'} aria-hidden="true" />;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <div className="state-text">{children}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

/** A failed request, in words, with a retry button when trying again can help. */
export function ErrorState({ error, retry, what = 'this' }: { error: unknown; retry?: () => void; what?: string }) {
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">Could not load {what}.</p>
      <p className="state-text">{message}</p>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A feature whose endpoints this server does not have (yet). */
export function Unavailable({ feature }: { feature: string }) {
  return (
    <div className="state state-empty" role="note">
      <p className="state-title">{feature} is not available on this server yet.</p>
      <p className="state-text">The server does not offer this feature. Update MindStorm to use it.</p>
    </div>
  );
}

/** Renders the right state for a query: loading, missing endpoint, error, or the content. */
export function QueryState({
  query,
  what,
  feature,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  what: string;
  feature?: string;
  children: () => ReactNode;
}) {
  if (query.isPending) return <Loading label={`Loading ${what}…`} />;
  if (query.isError) {
    if (feature && isMissing(query.error)) return <Unavailable feature={feature} />;
    return <ErrorState error={query.error} what={what} retry={() => void query.refetch()} />;
  }
  return <>{children()}</>;
}
