// Weekly insights: one card per week, newest first, the Markdown rendered, with two small charts
// made from that week's notes (notes per day, themes).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, isMissing } from '../api/client.ts';
import type { Insight, Note } from '../api/types.ts';
import { BarChart, RankChart, type Bar } from '../components/charts.tsx';
import { MarkdownView } from '../components/markdown-view.tsx';
import { Empty, ErrorState, Loading, Spinner, Unavailable } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { formatDate } from '../lib/format.ts';
import { useTitle } from '../lib/use-title.ts';

const DAY = 86_400_000;
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'narrow' });
const weekdayLong = new Intl.DateTimeFormat(undefined, { weekday: 'long' });

async function notesOfWeek(insight: Insight): Promise<Note[]> {
  const all: Note[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 5; i++) {
    const page = await api.notes.list({ from: insight.weekStart, to: new Date(new Date(insight.weekEnd).getTime() - 1).toISOString() }, cursor, 100);
    all.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return all;
}

function WeekCharts({ insight }: { insight: Insight }) {
  const notes = useQuery({ queryKey: ['notes', 'week', insight.weekStart], queryFn: () => notesOfWeek(insight), staleTime: 60_000 });
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: api.clusters.list, retry: false, staleTime: 30_000 });
  if (notes.isPending) return <p className="muted small"><Spinner small /> Drawing charts…</p>;
  if (notes.isError) return null;
  const start = new Date(insight.weekStart).getTime();
  const days: Bar[] = Array.from({ length: 7 }, (_, i) => {
    const d = new Date(start + i * DAY + DAY / 2);
    return { label: weekday.format(d), title: weekdayLong.format(d), value: 0 };
  });
  for (const n of notes.data) {
    const i = Math.floor((new Date(n.createdAt).getTime() - start) / DAY);
    if (i >= 0 && i < 7) days[i]!.value++;
  }
  const themes = new Map<string, number>();
  const names = new Map((clusters.data?.items ?? []).map((c) => [c.id, c.name]));
  for (const n of notes.data) {
    const name = n.clusterId ? names.get(n.clusterId) : undefined;
    if (name) themes.set(name, (themes.get(name) ?? 0) + 1);
    else for (const t of n.tags) themes.set(`#${t}`, (themes.get(`#${t}`) ?? 0) + 1);
  }
  const top = [...themes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([label, value]) => ({ label, value }));
  return (
    <div className="charts">
      <BarChart bars={days} label={`Notes per day (${notes.data.length} in all)`} />
      {top.length > 0 && <RankChart bars={top} label="Themes" />}
    </div>
  );
}

function InsightCard({ insight }: { insight: Insight }) {
  const end = new Date(new Date(insight.weekEnd).getTime() - 1);
  return (
    <article className="card insight" aria-labelledby={`insight-${insight.id}`}>
      <header>
        <p className="eyebrow">
          Week of {formatDate(insight.weekStart)} – {formatDate(end)}
        </p>
        <h2 id={`insight-${insight.id}`}>{insight.title}</h2>
      </header>
      <WeekCharts insight={insight} />
      <MarkdownView source={insight.content.replace(/^#\s+.*\n+/, '')} />
    </article>
  );
}

export function InsightsPage() {
  useTitle('Insights');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [week, setWeek] = useState('');
  const insights = useQuery({ queryKey: ['insights'], queryFn: api.insights.list, retry: false });
  const generate = useMutation({
    mutationFn: () => api.insights.generate(week || undefined),
    onSuccess: (i) => {
      toast.show(`Insight written: ${i.title}`);
      void queryClient.invalidateQueries({ queryKey: ['insights'] });
    },
  });
  const missing = insights.isError && isMissing(insights.error);
  const genError = generate.error;
  return (
    <section className="page">
      <header className="page-head">
        <h1>Insights</h1>
      </header>
      {!missing && (
        <form
          className="card inline-form"
          aria-label="Generate an insight"
          onSubmit={(e) => {
            e.preventDefault();
            generate.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="insight-week" className="label">
              Week starting (a Monday; empty for last week)
            </label>
            <input id="insight-week" type="date" value={week} onChange={(e) => setWeek(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={generate.isPending}>
            {generate.isPending && <Spinner small />} Generate insight
          </button>
          {genError && (
            <p className="form-error" role="alert">
              {isMissing(genError)
                ? 'Generating insights is not available on this server yet.'
                : genError instanceof ApiError && genError.status === 404
                  ? 'That week has no notes, so there is nothing to write about.'
                  : (genError as Error).message}
            </p>
          )}
        </form>
      )}
      {insights.isPending ? (
        <Loading label="Loading insights…" />
      ) : missing ? (
        <Unavailable feature="Weekly insights" />
      ) : insights.isError ? (
        <ErrorState error={insights.error} what="insights" retry={() => void insights.refetch()} />
      ) : insights.data.items.length === 0 ? (
        <Empty title="No insights yet.">Every Monday MindStorm writes about the week before. Generate one now for a week with notes.</Empty>
      ) : (
        <ol className="insight-list" aria-label="Insights, newest week first">
          {[...insights.data.items]
            .sort((a, b) => b.weekStart.localeCompare(a.weekStart))
            .map((i) => (
              <li key={i.id}>
                <InsightCard insight={i} />
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
