// The trash: notes deleted in the last 30 days, restorable; emptying it deletes them for good.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { NoteCard } from '../components/note-card.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { formatRelative } from '../lib/format.ts';
import { useTitle } from '../lib/use-title.ts';

export function TrashPage() {
  useTitle('Trash');
  const queryClient = useQueryClient();
  const toast = useToast();
  const trash = useQuery({ queryKey: ['trash'], queryFn: api.trash.list });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['trash'] });
    void queryClient.invalidateQueries({ queryKey: ['notes'] });
  };
  const restore = useMutation({
    mutationFn: (id: string) => api.notes.restore(id),
    onSuccess: () => {
      refresh();
      toast.show('Note restored');
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  const empty = useMutation({
    mutationFn: api.trash.empty,
    onSuccess: (r) => {
      refresh();
      toast.show(`${r.deleted} ${r.deleted === 1 ? 'note' : 'notes'} deleted for good`);
    },
  });
  const items = trash.data?.items ?? [];
  return (
    <section className="page">
      <header className="page-head">
        <h1>Trash</h1>
        {items.length > 0 && (
          <button
            type="button"
            className="btn btn-danger-ghost"
            disabled={empty.isPending}
            onClick={() => {
              if (window.confirm(`Delete ${items.length} ${items.length === 1 ? 'note' : 'notes'} for good? This cannot be undone.`)) empty.mutate();
            }}
          >
            Empty trash
          </button>
        )}
      </header>
      <p className="muted">Notes stay here for 30 days, then they are deleted for good.</p>
      {trash.isPending ? (
        <Loading label="Loading the trash…" />
      ) : trash.isError ? (
        <ErrorState error={trash.error} what="the trash" retry={() => void trash.refetch()} />
      ) : items.length === 0 ? (
        <Empty title="The trash is empty." />
      ) : (
        <ol className="note-list" aria-label="Notes in the trash">
          {items.map((n) => (
            <li key={n.id}>
              <NoteCard
                note={n}
                extra={
                  <span className="row">
                    {n.deletedAt && <span className="muted small">deleted {formatRelative(n.deletedAt)}</span>}
                    <button type="button" className="btn btn-small" onClick={() => restore.mutate(n.id)} disabled={restore.isPending}>
                      Restore
                    </button>
                  </span>
                }
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
