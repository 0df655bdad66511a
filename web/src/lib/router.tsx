// A small router over the History API: the app has a dozen flat routes, which does not need a library.
import { createContext, useContext, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const CHANGE = 'mindstorm:navigate';

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener(CHANGE, cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener(CHANGE, cb);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** Goes to `to` (a same-origin path), adding a history entry unless `replace`. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

interface Location {
  path: string;
  search: URLSearchParams;
  href: string;
}

const LocationContext = createContext<Location | null>(null);

/** Provides the current location to the tree and re-renders on navigation. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return <LocationContext.Provider value={{ path: url.pathname, search: url.searchParams, href }}>{children}</LocationContext.Provider>;
}

/** The current path and query. */
export function useLocation(): Location {
  const loc = useContext(LocationContext);
  if (!loc) throw new Error('useLocation outside RouterProvider');
  return loc;
}

/** Matches `/notes/:id` style patterns; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** Builds a path with a query, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link that navigates without a page load (modifier clicks still open tabs). */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** Sends clicks on same-origin links inside rendered HTML (Markdown) through the router. */
export function routeInternalLinks(e: MouseEvent<HTMLElement>): void {
  const a = (e.target as HTMLElement).closest('a');
  if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (href && href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/api/')) {
    e.preventDefault();
    navigate(href);
  }
}
