// The app: who is signed in, the providers, the global shortcuts and the routes.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from './api/client.ts';
import type { User } from './api/types.ts';
import { CaptureDialog } from './components/capture-dialog.tsx';
import { Layout } from './components/layout.tsx';
import { ShortcutsDialog } from './components/shortcuts-dialog.tsx';
import { ErrorState, Loading } from './components/states.tsx';
import { ToastProvider, useToast } from './components/toasts.tsx';
import { Outbox, type Draft } from './lib/outbox.ts';
import { matchPath, navigate, RouterProvider, useLocation } from './lib/router.tsx';
import { noteTitle } from './lib/markdown.ts';
import { AuthPage } from './pages/auth-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { NotePage } from './pages/note-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { StackPage, StacksPage } from './pages/stacks-page.tsx';
import { TimelinePage } from './pages/timeline-page.tsx';
import { TrashPage } from './pages/trash-page.tsx';
import { SessionContext, type Session } from './session.tsx';

// Pages with heavy parts load on first visit: the vault's cryptography, the map, charts, settings.
const ClustersPage = lazy(() => import('./pages/clusters-page.tsx').then((m) => ({ default: m.ClustersPage })));
const InsightsPage = lazy(() => import('./pages/insights-page.tsx').then((m) => ({ default: m.InsightsPage })));
const SettingsPage = lazy(() => import('./pages/settings-page.tsx').then((m) => ({ default: m.SettingsPage })));
const VaultPage = lazy(() => import('./pages/vault-page.tsx').then((m) => ({ default: m.VaultPage })));
import { useVault, VaultProvider } from './vault/vault-context.tsx';

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, err) => err instanceof ApiError && err.retryable && count < 2,
      },
    },
    // a session that ended (expired, signed out elsewhere) sends the user to sign in again
    queryCache: new QueryCache({ onError: (err) => err instanceof ApiError && err.status === 401 && client.setQueryData(['me'], null) }),
    mutationCache: new MutationCache({ onError: (err) => err instanceof ApiError && err.status === 401 && client.setQueryData(['me'], null) }),
  });
  return client;
}

function Routes() {
  const { path } = useLocation();
  let m: Record<string, string> | null;
  if (path === '/') return <TimelinePage />;
  if ((m = matchPath('/notes/:id', path))) return <NotePage id={m.id!} key={m.id} />;
  if (path === '/search') return <SearchPage />;
  if (path === '/clusters') return <ClustersPage tab="list" />;
  if (path === '/clusters/map') return <ClustersPage tab="map" />;
  if (path === '/stacks') return <StacksPage />;
  if ((m = matchPath('/stacks/:id', path))) return <StackPage id={m.id!} key={m.id} />;
  if (path === '/vault') return <VaultPage />;
  if (path === '/insights') return <InsightsPage />;
  if (path === '/trash') return <TrashPage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/signin' || path === '/signup') return <SignedInAlready />;
  return <NotFoundPage />;
}

/** /signin or /signup while signed in: home, unless this is the moment of signing out (then stay). */
function SignedInAlready() {
  const queryClient = useQueryClient();
  useEffect(() => {
    // the cache changes at once, the components a moment later: read the cache
    if (queryClient.getQueryData(['me'])) navigate('/', { replace: true });
  }, [queryClient]);
  return null;
}

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('dialog[open]') !== null);

function SignedIn({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const vault = useVault();
  const [capture, setCapture] = useState<{ open: boolean; initial: Draft | null }>({ open: false, initial: null });
  const [help, setHelp] = useState(false);

  const outbox = useMemo(
    () =>
      new Outbox(user.id, (note) => {
        void queryClient.invalidateQueries({ queryKey: ['notes'] });
        void queryClient.invalidateQueries({ queryKey: ['tags'] });
        toast.show(`Saved “${noteTitle(note.content, 40)}”`, { action: { label: 'Open', run: () => navigate(`/notes/${note.id}`) } });
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [user.id],
  );
  useEffect(() => {
    outbox.start();
    return () => outbox.stop();
  }, [outbox]);

  const openCapture = useCallback((initial?: Draft) => setCapture({ open: true, initial: initial ?? null }), []);

  const signOut = useCallback(async () => {
    vault.lock();
    outbox.stop();
    try {
      await api.auth.signOut();
    } catch {
      /* the cookie may already be gone; sign out locally anyway */
    }
    queryClient.setQueryData(['me'], null); // first: the signed-in tree unmounts
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    navigate('/signin');
  }, [outbox, queryClient, vault]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === 'n') {
        e.preventDefault();
        openCapture();
      } else if (e.key === '/') {
        e.preventDefault();
        const box = document.getElementById('global-search') as HTMLInputElement | null;
        box?.focus();
        box?.select();
      } else if (e.key === '?') {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openCapture]);

  const session: Session = useMemo(() => ({ user, outbox, openCapture, signOut }), [user, outbox, openCapture, signOut]);
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Suspense fallback={<Loading label="Loading…" />}>
          <Routes />
        </Suspense>
      </Layout>
      <CaptureDialog open={capture.open} initial={capture.initial} outbox={outbox} onClose={() => setCapture({ open: false, initial: null })} />
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </SessionContext.Provider>
  );
}

function Root() {
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api.me.get();
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: Infinity,
  });
  if (me.isPending) {
    return (
      <div className="center-screen">
        <Loading label="Starting MindStorm…" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <main className="center-screen">
        <h1 className="visually-hidden">MindStorm</h1>
        <ErrorState error={me.error} what="your session" retry={() => void me.refetch()} />
      </main>
    );
  }
  if (!me.data) return <AuthPage />;
  return <SignedIn user={me.data} key={me.data.id} />;
}

export function App() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <RouterProvider>
        <ToastProvider>
          <VaultProvider>
            <Root />
          </VaultProvider>
        </ToastProvider>
      </RouterProvider>
    </QueryClientProvider>
  );
}
