// Topic clusters: the list (rename, merge, re-cluster) and a 2-D map of the notes coloured by cluster.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, isMissing } from '../api/client.ts';
import type { Cluster, MapPoint } from '../api/types.ts';
import { Empty, ErrorState, Loading, Spinner, Unavailable } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { noteTitle } from '../lib/markdown.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

/** Colours that stay apart in both themes (Okabe–Ito plus a few), indexed by cluster position. */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#8e6c00', '#6a3d9a', '#b15928', '#1b9e77', '#e7298a', '#66a61e'];
const colourOf = (index: number) => (index < 0 ? undefined : PALETTE[index % PALETTE.length]!);

function ClusterRow({ c, all }: { c: Cluster; all: Cluster[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(c.name);
  const [into, setInto] = useState('');
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: ['clusters'] });
    void queryClient.invalidateQueries({ queryKey: ['clusters-map'] });
    void queryClient.invalidateQueries({ queryKey: ['notes'] });
  };
  const rename = useMutation({
    mutationFn: () => api.clusters.rename(c.id, name.trim()),
    onSuccess: () => {
      setRenaming(false);
      done();
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  const merge = useMutation({
    mutationFn: () => api.clusters.merge(c.id, into),
    onSuccess: (target) => {
      toast.show(`Merged “${c.name}” into “${target.name}”`);
      done();
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  const onRename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) rename.mutate();
  };
  const others = all.filter((o) => o.id !== c.id);
  const index = all.findIndex((o) => o.id === c.id);
  return (
    <li className="card cluster">
      <div className="cluster-main">
        <span className="swatch" data-colour={index % PALETTE.length} aria-hidden="true" />
        {renaming ? (
          <form onSubmit={onRename} className="row">
            <label htmlFor={`rename-${c.id}`} className="visually-hidden">
              New name for {c.name}
            </label>
            <input id={`rename-${c.id}`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus onKeyDown={(e) => e.key === 'Escape' && setRenaming(false)} />
            <button type="submit" className="btn btn-primary btn-small" disabled={rename.isPending}>
              Save
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <h2 className="cluster-name">
            <Link to={`/?cluster=${c.id}`}>{c.name}</Link>
          </h2>
        )}
        <span className="count" aria-label={`${c.noteCount} notes`}>
          {c.noteCount}
        </span>
      </div>
      {c.terms && c.terms.length > 0 && <p className="muted small">{c.terms.slice(0, 6).join(' · ')}</p>}
      <div className="row cluster-actions">
        {!renaming && (
          <button type="button" className="btn btn-small" onClick={() => setRenaming(true)}>
            Rename
          </button>
        )}
        {others.length > 0 && (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (into) merge.mutate();
            }}
          >
            <label htmlFor={`merge-${c.id}`} className="visually-hidden">
              Merge {c.name} into
            </label>
            <select id={`merge-${c.id}`} value={into} onChange={(e) => setInto(e.target.value)}>
              <option value="">Merge into…</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-small" disabled={!into || merge.isPending}>
              Merge
            </button>
          </form>
        )}
      </div>
    </li>
  );
}

function NotePreview({ id }: { id: string }) {
  const note = useQuery({ queryKey: ['note', id], queryFn: () => api.notes.get(id), staleTime: 60_000 });
  if (note.isPending) return <span className="muted">Loading…</span>;
  if (note.isError) return <span className="muted">Could not load the note.</span>;
  return (
    <>
      <strong>{noteTitle(note.data.content, 60)}</strong>
      <span className="muted small">{note.data.content.slice(0, 140)}</span>
    </>
  );
}

function ClusterMap({ clusters }: { clusters: Cluster[] }) {
  const map = useQuery({ queryKey: ['clusters-map'], queryFn: api.clusters.map, retry: false });
  const [hover, setHover] = useState<MapPoint | null>(null);
  const indexOf = useMemo(() => new Map(clusters.map((c, i) => [c.id, i])), [clusters]);
  const nameOf = (id: string | null) => clusters.find((c) => c.id === id)?.name ?? 'Unclustered';
  if (map.isPending) return <Loading label="Loading the map…" />;
  if (map.isError) return isMissing(map.error) ? <Unavailable feature="The notes map" /> : <ErrorState error={map.error} what="the map" retry={() => void map.refetch()} />;
  const points = map.data.points;
  if (!points.length) return <Empty title="The map is empty.">It is drawn at the next clustering. Write a few notes, then press “Re-cluster now”.</Empty>;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = 0.08;
  const sx = (x: number) => ((x - minX) / (maxX - minX || 1)) * (1 - 2 * pad) + pad;
  const sy = (y: number) => 1 - (((y - minY) / (maxY - minY || 1)) * (1 - 2 * pad) + pad);
  return (
    <div className="map-wrap">
      <svg className="map" viewBox="0 0 1 1" role="group" aria-label={`Map of ${points.length} notes, coloured by cluster`}>
        <rect className="map-bg" x="0" y="0" width="1" height="1" rx="0.02" />
        {points.map((p) => (
          <a
            key={p.noteId}
            href={`/notes/${p.noteId}`}
            aria-label={`Note in ${nameOf(p.clusterId)}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/notes/${p.noteId}`);
            }}
            onMouseEnter={() => setHover(p)}
            onMouseLeave={() => setHover((h) => (h?.noteId === p.noteId ? null : h))}
            onFocus={() => setHover(p)}
            onBlur={() => setHover(null)}
          >
            <circle
              className={indexOf.has(p.clusterId ?? '') ? 'map-point' : 'map-point unclustered'}
              cx={sx(p.x)}
              cy={sy(p.y)}
              r={hover?.noteId === p.noteId ? 0.02 : 0.013}
              fill={colourOf(indexOf.get(p.clusterId ?? '') ?? -1)}
            />
          </a>
        ))}
      </svg>
      <div className="map-tip" role="status" aria-live="polite">
        {hover ? (
          <>
            <span className="muted small">{nameOf(hover.clusterId)}</span>
            <NotePreview id={hover.noteId} />
          </>
        ) : (
          <span className="muted small">Hover over or focus a point to see its note; click to open it.</span>
        )}
      </div>
      <ul className="legend" aria-label="Clusters">
        {clusters.map((c, i) => (
          <li key={c.id}>
            <span className="swatch" data-colour={i % PALETTE.length} aria-hidden="true" /> {c.name}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ClustersPage({ tab }: { tab: 'list' | 'map' }) {
  useTitle(tab === 'map' ? 'Notes map' : 'Clusters');
  const queryClient = useQueryClient();
  const toast = useToast();
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: api.clusters.list, retry: false });
  const recluster = useMutation({
    mutationFn: api.clusters.recluster,
    onSuccess: (s) => {
      toast.show(typeof s?.clusters === 'number' ? `Re-clustered: ${s.clusters} clusters` : 'Re-clustering started');
      void queryClient.invalidateQueries({ queryKey: ['clusters'] });
      void queryClient.invalidateQueries({ queryKey: ['clusters-map'] });
      void queryClient.invalidateQueries({ queryKey: ['notes'] });
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  const missing = clusters.isError && isMissing(clusters.error);
  return (
    <section className="page">
      <header className="page-head">
        <h1>{tab === 'map' ? 'Notes map' : 'Clusters'}</h1>
        {!missing && (
          <button type="button" className="btn" onClick={() => recluster.mutate()} disabled={recluster.isPending}>
            {recluster.isPending && <Spinner small />} Re-cluster now
          </button>
        )}
      </header>
      <nav className="tabs" aria-label="Cluster views">
        <Link to="/clusters" aria-current={tab === 'list' ? 'page' : undefined}>
          List
        </Link>
        <Link to="/clusters/map" aria-current={tab === 'map' ? 'page' : undefined}>
          Map
        </Link>
      </nav>
      {clusters.isPending ? (
        <Loading label="Loading clusters…" />
      ) : missing ? (
        <Unavailable feature="Clustering" />
      ) : clusters.isError ? (
        <ErrorState error={clusters.error} what="clusters" retry={() => void clusters.refetch()} />
      ) : tab === 'map' ? (
        <ClusterMap clusters={clusters.data.items} />
      ) : clusters.data.items.length === 0 ? (
        <Empty title="No clusters yet.">MindStorm groups your notes by topic once there are enough of them. Press “Re-cluster now” to try.</Empty>
      ) : (
        <ul className="cluster-list">
          {clusters.data.items.map((c) => (
            <ClusterRow key={c.id} c={c} all={clusters.data.items} />
          ))}
        </ul>
      )}
    </section>
  );
}
