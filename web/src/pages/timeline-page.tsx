// The timeline: every note, newest first, loaded a page at a time as you scroll, with filters
// (tag, cluster, dates) kept in the URL.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, isMissing } from '../api/client.ts';
import { NoteCard } from '../components/note-card.tsx';
import { Empty, ErrorState, Loading, Spinner } from '../components/states.tsx';
import { dayToIso } from '../lib/format.ts';
import { navigate, useLocation, withQuery } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';
import { useSession } from '../session.tsx';

export function TimelinePage() {
  useTitle('Notes');
  const { search } = useLocation();
  const { openCapture } = useSession();
  const tag = search.get('tag') ?? '';
  const cluster = search.get('cluster') ?? '';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const filters = { tag: tag || undefined, clusterId: cluster || undefined, from: dayToIso(from), to: dayToIso(to, true) };
  const filtered = Boolean(tag || cluster || from || to);

  const tags = useQuery({ queryKey: ['tags'], queryFn: api.tags, staleTime: 30_000 });
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: api.clusters.list, retry: false, staleTime: 30_000 });
  const notes = useInfiniteQuery({
    queryKey: ['notes', 'timeline', filters],
    queryFn: ({ pageParam }) => api.notes.list(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  const setFilter = (key: string, value: string) => {
    const next = { tag, cluster, from, to, [key]: value };
    navigate(withQuery('/', next), { replace: true });
  };

  // infinite scroll: load the next page when the sentinel comes into view
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !notes.hasNextPage) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !notes.isFetchingNextPage) void notes.fetchNextPage();
    }, { rootMargin: '400px' });
    io.observe(el);
    return () => io.disconnect();
  }, [notes.hasNextPage, notes.isFetchingNextPage, notes.fetchNextPage]);

  const items = notes.data?.pages.flatMap((p) => p.items) ?? [];
  const clusterList = clusters.data?.items ?? [];
  const showClusters = !clusters.isError || !isMissing(clusters.error);

  return (
    <section className="page">
      <header className="page-head">
        <h1>Notes</h1>
        <button type="button" className="btn" onClick={() => openCapture()}>
          New note
        </button>
      </header>
      <form className="filters" aria-label="Filter notes" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="filter-tag" className="label">
            Tag
          </label>
          <select id="filter-tag" value={tag} onChange={(e) => setFilter('tag', e.target.value)}>
            <option value="">All tags</option>
            {tag && !tags.data?.items.some((t) => t.tag === tag) && <option value={tag}>#{tag}</option>}
            {tags.data?.items.map((t) => (
              <option key={t.tag} value={t.tag}>
                #{t.tag} ({t.count})
              </option>
            ))}
          </select>
        </div>
        {showClusters && (
          <div className="field">
            <label htmlFor="filter-cluster" className="label">
              Cluster
            </label>
            <select id="filter-cluster" value={cluster} onChange={(e) => setFilter('cluster', e.target.value)} disabled={!clusterList.length && !cluster}>
              <option value="">All clusters</option>
              {cluster && !clusterList.some((c) => c.id === cluster) && <option value={cluster}>This cluster</option>}
              {clusterList.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.noteCount})
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="filter-from" className="label">
            From
          </label>
          <input id="filter-from" type="date" value={from} max={to || undefined} onChange={(e) => setFilter('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="filter-to" className="label">
            To
          </label>
          <input id="filter-to" type="date" value={to} min={from || undefined} onChange={(e) => setFilter('to', e.target.value)} />
        </div>
        {filtered && (
          <button type="button" className="btn btn-ghost" onClick={() => navigate('/', { replace: true })}>
            Clear filters
          </button>
        )}
      </form>

      {notes.isPending ? (
        <Loading label="Loading notes…" />
      ) : notes.isError ? (
        <ErrorState error={notes.error} what="your notes" retry={() => void notes.refetch()} />
      ) : items.length === 0 ? (
        filtered ? (
          <Empty title="No notes match these filters." action={<button type="button" className="btn" onClick={() => navigate('/', { replace: true })}>Clear filters</button>} />
        ) : (
          <Empty
            title="No notes yet."
            action={
              <button type="button" className="btn btn-primary" onClick={() => openCapture()}>
                Write your first note
              </button>
            }
          >
            Press <kbd>n</kbd> anywhere to capture a thought. MindStorm finds it again by meaning.
          </Empty>
        )
      ) : (
        <>
          <ol className="note-list" aria-label="Notes, newest first">
            {items.map((n) => (
              <li key={n.id}>
                <NoteCard note={n} />
              </li>
            ))}
          </ol>
          <div ref={sentinel} className="list-end">
            {notes.isFetchingNextPage ? (
              <span role="status">
                <Spinner small /> Loading more…
              </span>
            ) : notes.hasNextPage ? (
              <button type="button" className="btn" onClick={() => void notes.fetchNextPage()}>
                Load more
              </button>
            ) : (
              <span className="muted small">That's all {filtered ? 'that match' : 'your notes'}.</span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
