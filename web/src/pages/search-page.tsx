// Search results as you type (debounced), hybrid by default, with highlighted snippets.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { SearchMode, SearchResult } from '../api/types.ts';
import { Tags } from '../components/note-card.tsx';
import { Empty, ErrorState, Spinner } from '../components/states.tsx';
import { formatRelative } from '../lib/format.ts';
import { noteTitle } from '../lib/markdown.ts';
import { Link, navigate, useLocation, withQuery } from '../lib/router.tsx';
import { safeSnippetHtml, snippetText, stripMarkdown } from '../lib/snippet.ts';
import { useDebounced } from '../lib/use-debounced.ts';
import { useTitle } from '../lib/use-title.ts';

const MODES: { value: SearchMode; label: string; hint: string }[] = [
  { value: 'hybrid', label: 'Hybrid', hint: 'words and meaning' },
  { value: 'semantic', label: 'Meaning', hint: 'by meaning only' },
  { value: 'fulltext', label: 'Words', hint: 'exact words only' },
];

/** The API's snippet: rendered as HTML only when it holds nothing but text and <mark> elements. */
function Snippet({ snippet }: { snippet: string }) {
  const html = safeSnippetHtml(snippet);
  if (html === null) return <p className="snippet">{stripMarkdown(snippetText(snippet))}</p>;
  // eslint-disable-next-line react/no-danger -- checked by safeSnippetHtml: escaped text and <mark> only
  return <p className="snippet" dangerouslySetInnerHTML={{ __html: stripMarkdown(html) }} />;
}

function Result({ r }: { r: SearchResult }) {
  return (
    <article className="card result">
      <header className="note-card-head">
        <h2 className="note-card-title">
          <Link to={`/notes/${r.note.id}`}>{noteTitle(r.note.content)}</Link>
        </h2>
        <span className="muted small">{formatRelative(r.note.createdAt)}</span>
      </header>
      {r.snippet && <Snippet snippet={r.snippet} />}
      <Tags tags={r.note.tags} />
    </article>
  );
}

export function SearchPage() {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const modeParam = search.get('mode');
  const mode: SearchMode = modeParam === 'semantic' || modeParam === 'fulltext' ? modeParam : 'hybrid';
  useTitle(q ? `Search: ${q}` : 'Search');
  const debounced = useDebounced(q.trim(), 250);
  const results = useQuery({
    queryKey: ['search', debounced, mode],
    queryFn: ({ signal }) => api.search(debounced, mode, signal),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
  });
  const typing = q.trim() !== debounced;

  return (
    <section className="page">
      <header className="page-head">
        <h1>Search</h1>
      </header>
      <fieldset className="segmented-field">
        <legend className="label">Mode</legend>
        <div className="segmented">
          {MODES.map((m) => (
            <label key={m.value} className={mode === m.value ? 'seg selected' : 'seg'} title={m.hint}>
              <input
                type="radio"
                name="mode"
                value={m.value}
                checked={mode === m.value}
                onChange={() => navigate(withQuery('/search', { q, mode: m.value === 'hybrid' ? null : m.value }), { replace: true })}
              />
              {m.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div aria-live="polite" className="results-status">
        {!q.trim() ? null : results.isFetching || typing ? (
          <span className="muted small">
            <Spinner small /> Searching…
          </span>
        ) : results.data ? (
          <span className="muted small">
            {results.data.items.length} {results.data.items.length === 1 ? 'result' : 'results'}
          </span>
        ) : null}
      </div>
      {!q.trim() ? (
        <Empty title="Search your notes by words or by meaning.">
          Type in the search box above (press <kbd>/</kbd> to get there). Try a question: “what did I think about sleep?”
        </Empty>
      ) : results.isError ? (
        <ErrorState error={results.error} what="results" retry={() => void results.refetch()} />
      ) : results.data && results.data.items.length === 0 && !typing && !results.isFetching ? (
        <Empty title={`No notes match “${q}”.`}>Try other words, or switch to “Meaning”.</Empty>
      ) : (
        <ol className="note-list results" aria-label="Results" aria-busy={results.isFetching}>
          {results.data?.items.map((r) => (
            <li key={r.note.id}>
              <Result r={r} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
