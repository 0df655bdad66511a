// The frame of every signed-in page: a skip link, the top bar (search, new note, unsaved notes,
// theme), the navigation (a sidebar on wide screens, a menu on phones) and the main region.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, navigate, useLocation, withQuery } from '../lib/router.tsx';
import { applyTheme, effectiveTheme, loadTheme } from '../lib/theme.ts';
import { useSession } from '../session.tsx';
import { OutboxStatus } from './outbox-status.tsx';

const NAV: { to: string; label: string; match: (p: string) => boolean }[] = [
  { to: '/', label: 'Notes', match: (p) => p === '/' || p.startsWith('/notes/') },
  { to: '/search', label: 'Search', match: (p) => p === '/search' },
  { to: '/clusters', label: 'Clusters', match: (p) => p.startsWith('/clusters') },
  { to: '/stacks', label: 'Stacks', match: (p) => p.startsWith('/stacks') },
  { to: '/vault', label: 'Vault', match: (p) => p === '/vault' },
  { to: '/insights', label: 'Insights', match: (p) => p === '/insights' },
  { to: '/trash', label: 'Trash', match: (p) => p === '/trash' },
  { to: '/settings', label: 'Settings', match: (p) => p === '/settings' },
];

/** The one search box: `/` focuses it; typing shows results on /search as you type. */
function SearchBox() {
  const { path, search } = useLocation();
  const onSearch = path === '/search';
  const [value, setValue] = useState(onSearch ? (search.get('q') ?? '') : '');
  useEffect(() => {
    if (onSearch) setValue(search.get('q') ?? '');
  }, [onSearch, search]);
  return (
    <form
      role="search"
      className="searchbox"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(withQuery('/search', { q: value, mode: search.get('mode') }));
      }}
    >
      <label htmlFor="global-search" className="visually-hidden">
        Search notes
      </label>
      <input
        id="global-search"
        type="search"
        placeholder="Search notes…"
        autoComplete="off"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          navigate(withQuery('/search', { q: e.target.value, mode: onSearch ? search.get('mode') : null }), { replace: onSearch });
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
      />
      <kbd className="kbd-hint" aria-hidden="true">
        /
      </kbd>
    </form>
  );
}

export function ThemeToggle() {
  const [pref, setPref] = useState(loadTheme);
  const current = effectiveTheme(pref);
  const next = current === 'dark' ? 'light' : 'dark';
  useEffect(() => {
    const onChange = () => setPref(loadTheme());
    window.addEventListener('mindstorm:theme', onChange);
    return () => window.removeEventListener('mindstorm:theme', onChange);
  }, []);
  return (
    <button
      type="button"
      className="icon-btn theme-toggle"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setPref(next);
        window.dispatchEvent(new Event('mindstorm:theme'));
      }}
    >
      {current === 'dark' ? (
        <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="4.5" /><path d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8" /></svg>
      ) : (
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z" /></svg>
      )}
    </button>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, openCapture, signOut } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After navigating, move focus to the page's heading so screen readers announce the new page
  // (unless the user is typing, e.g. in the search box).
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    const active = document.activeElement;
    if (active && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA')) return;
    requestAnimationFrame(() => {
      const h1 = mainRef.current?.querySelector('h1');
      if (h1) {
        h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      }
      window.scrollTo(0, 0);
    });
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app">
        <header className="topbar">
          <Link to="/" className="brand" aria-label="MindStorm, home">
            <svg viewBox="0 0 64 64" aria-hidden="true" className="brand-mark"><rect width="64" height="64" rx="14" /><path d="M18 44V20l14 14 14-14v24" /></svg>
            <span className="brand-name">MindStorm</span>
          </Link>
          <SearchBox />
          <div className="topbar-actions">
            <OutboxStatus />
            <button type="button" className="btn btn-primary new-note" onClick={() => openCapture()} aria-keyshortcuts="n">
              <span aria-hidden="true">+</span> New note <kbd aria-hidden="true">n</kbd>
            </button>
            <ThemeToggle />
            <button type="button" className="icon-btn menu-btn" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
              <span className="visually-hidden">Menu</span>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h16M4 12h16M4 17h16" /></svg>
            </button>
          </div>
        </header>
        <nav id="main-nav" className={menuOpen ? 'sidebar open' : 'sidebar'} aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={n.match(path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="sidebar-foot">
            <span className="muted small" title={user.email}>
              {user.email}
            </span>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}
