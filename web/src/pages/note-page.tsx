// One note: read, edit, add to a stack, trash or restore; and the notes nearest in meaning.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Note } from '../api/types.ts';
import { MarkdownView } from '../components/markdown-view.tsx';
import { Tags } from '../components/note-card.tsx';
import { Empty, ErrorState, Loading, Spinner } from '../components/states.tsx';
import { TagInput } from '../components/tag-input.tsx';
import { useToast } from '../components/toasts.tsx';
import { formatDateTime } from '../lib/format.ts';
import { noteTitle } from '../lib/markdown.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

function SimilarNotes({ id }: { id: string }) {
  const similar = useQuery({
    queryKey: ['similar', id],
    queryFn: () => api.notes.similar(id),
    refetchInterval: (q) => (q.state.data?.pending ? 1500 : false),
  });
  return (
    <aside className="card similar" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar notes</h2>
      {similar.isPending ? (
        <Loading label="Loading similar notes…" />
      ) : similar.isError ? (
        <ErrorState error={similar.error} what="similar notes" retry={() => void similar.refetch()} />
      ) : similar.data.pending ? (
        <p className="state state-loading" role="status">
          <Spinner small /> Finding similar notes…
        </p>
      ) : similar.data.items.length === 0 ? (
        <p className="muted">No similar notes yet. They appear as you write more.</p>
      ) : (
        <ol className="similar-list">
          {similar.data.items.map(({ note, similarity }) => (
            <li key={note.id}>
              <Link to={`/notes/${note.id}`}>{noteTitle(note.content, 70)}</Link>
              <span className="meter" role="img" aria-label={`${Math.round(similarity * 100)}% similar`} title={`${Math.round(similarity * 100)}% similar`}>
                <span className="meter-fill" data-pct={Math.round(Math.max(0, Math.min(1, similarity)) * 10) * 10} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

function AddToStack({ note }: { note: Note }) {
  const stacks = useQuery({ queryKey: ['stacks'], queryFn: api.stacks.list });
  const queryClient = useQueryClient();
  const toast = useToast();
  const [stackId, setStackId] = useState('');
  const add = useMutation({
    mutationFn: () => api.stacks.addNote(stackId, note.id),
    onSuccess: (s) => {
      toast.show(`Added to “${s.name}”`, { action: { label: 'Open stack', run: () => navigate(`/stacks/${s.id}`) } });
      setStackId('');
      void queryClient.invalidateQueries({ queryKey: ['stacks'] });
    },
    onError: (err) => toast.show(err instanceof ApiError && err.status === 409 ? 'This note is in that stack already.' : (err as Error).message, { tone: 'error' }),
  });
  if (!stacks.data?.items.length) return null;
  return (
    <form
      className="row add-to-stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (stackId) add.mutate();
      }}
    >
      <label htmlFor="add-to-stack" className="visually-hidden">
        Stack
      </label>
      <select id="add-to-stack" value={stackId} onChange={(e) => setStackId(e.target.value)}>
        <option value="">Add to a stack…</option>
        {stacks.data.items.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="submit" className="btn" disabled={!stackId || add.isPending}>
        Add
      </button>
    </form>
  );
}

function Editor({ note, onDone }: { note: Note; onDone: () => void }) {
  const [content, setContent] = useState(note.content);
  const [tags, setTags] = useState(note.tags);
  const [preview, setPreview] = useState(false);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => api.notes.update(note.id, { content, tags }),
    onSuccess: (n) => {
      queryClient.setQueryData(['note', n.id], n);
      void queryClient.invalidateQueries({ queryKey: ['notes'] });
      void queryClient.invalidateQueries({ queryKey: ['tags'] });
      void queryClient.invalidateQueries({ queryKey: ['similar', n.id] });
      onDone();
    },
  });
  return (
    <form
      className="card editor-card"
      aria-label="Edit note"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          save.mutate();
        } else if (e.key === 'Escape') onDone();
      }}
    >
      <div className="segmented" role="group" aria-label="Editor view">
        <button type="button" aria-pressed={!preview} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" aria-pressed={preview} onClick={() => setPreview(true)}>
          Preview
        </button>
      </div>
      {preview ? (
        <div className="preview">
          <MarkdownView source={content} />
        </div>
      ) : (
        <>
          <label htmlFor="edit-text" className="visually-hidden">
            Note (Markdown)
          </label>
          <textarea id="edit-text" className="editor" rows={12} value={content} onChange={(e) => setContent(e.target.value)} autoFocus />
        </>
      )}
      <TagInput value={tags} onChange={setTags} />
      {save.isError && (
        <p className="form-error" role="alert">
          Not saved: {(save.error as Error).message}
        </p>
      )}
      <div className="row end">
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending || !content.trim()}>
          {save.isPending && <Spinner small />} Save changes
        </button>
      </div>
    </form>
  );
}

export function NotePage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const note = useQuery({ queryKey: ['note', id], queryFn: () => api.notes.get(id), retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 2 });
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: api.clusters.list, retry: false, staleTime: 30_000 });
  useTitle(note.data ? noteTitle(note.data.content, 50) : 'Note');

  const restore = useMutation({
    mutationFn: () => api.notes.restore(id),
    onSuccess: (n) => {
      queryClient.setQueryData(['note', id], n);
      void queryClient.invalidateQueries({ queryKey: ['notes'] });
      void queryClient.invalidateQueries({ queryKey: ['trash'] });
      toast.show('Note restored');
    },
  });
  const trash = useMutation({
    mutationFn: () => api.notes.trash(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['notes'] });
      void queryClient.invalidateQueries({ queryKey: ['trash'] });
      queryClient.removeQueries({ queryKey: ['note', id] });
      toast.show('Moved to the trash', { action: { label: 'Undo', run: () => restore.mutate() } });
      navigate('/');
    },
    onError: (err) => toast.show((err as Error).message, { tone: 'error' }),
  });

  if (note.isPending) return <Loading label="Loading the note…" />;
  if (note.isError) {
    if (note.error instanceof ApiError && note.error.status === 404) {
      return (
        <section className="page">
          <h1>Note not found</h1>
          <Empty title="This note does not exist, or it was deleted for good.">
            <Link to="/">Back to your notes</Link>
          </Empty>
        </section>
      );
    }
    return <ErrorState error={note.error} what="the note" retry={() => void note.refetch()} />;
  }
  const n = note.data;
  const trashed = Boolean(n.deletedAt);
  const cluster = clusters.data?.items.find((c) => c.id === n.clusterId);

  return (
    <section className="page note-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Notes</Link> <span aria-hidden="true">/</span> <span aria-current="page">{noteTitle(n.content, 40)}</span>
      </nav>
      {trashed && (
        <div className="banner banner-warn" role="status">
          This note is in the trash.
          <button type="button" className="btn btn-small" onClick={() => restore.mutate()} disabled={restore.isPending}>
            Restore
          </button>
        </div>
      )}
      <div className="note-layout">
        <div className="note-main">
          {editing ? (
            <>
              <h1 className="visually-hidden">Edit: {noteTitle(n.content)}</h1>
              <Editor note={n} onDone={() => setEditing(false)} />
            </>
          ) : (
            <article className="card note-full">
              <h1 className="visually-hidden">{noteTitle(n.content)}</h1>
              <MarkdownView source={n.content} />
              <footer className="note-meta">
                <Tags tags={n.tags} />
                <p className="muted small">
                  Written <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                  {n.updatedAt !== n.createdAt && (
                    <>
                      {' '}
                      · edited <time dateTime={n.updatedAt}>{formatDateTime(n.updatedAt)}</time>
                    </>
                  )}
                  {cluster && (
                    <>
                      {' '}
                      · in <Link to={`/?cluster=${cluster.id}`}>{cluster.name}</Link>
                    </>
                  )}
                </p>
              </footer>
            </article>
          )}
          {!editing && !trashed && (
            <div className="row toolbar">
              <button type="button" className="btn" onClick={() => setEditing(true)}>
                Edit
              </button>
              <AddToStack note={n} />
              <button type="button" className="btn btn-danger-ghost" onClick={() => trash.mutate()} disabled={trash.isPending}>
                Move to trash
              </button>
            </div>
          )}
        </div>
        {!trashed && <SimilarNotes id={id} />}
      </div>
    </section>
  );
}
