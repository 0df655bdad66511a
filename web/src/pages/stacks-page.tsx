// Stacks: ordered sets of notes, pinned first. Reorder by dragging, or with the keyboard
// (Alt+↑/↓ on a note, or its move buttons); every change is saved as the full order.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Note, Stack, StackWithNotes } from '../api/types.ts';
import { Empty, ErrorState, Loading, Spinner } from '../components/states.tsx';
import { useToast } from '../components/toasts.tsx';
import { noteTitle } from '../lib/markdown.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useTitle } from '../lib/use-title.ts';

function useStackMutations() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['stacks'] });
  const update = useMutation({
    mutationFn: (v: { id: string; name?: string; pinned?: boolean }) => api.stacks.update(v.id, { name: v.name, pinned: v.pinned }),
    onSuccess: (s) => {
      queryClient.setQueryData<StackWithNotes>(['stack', s.id], (old) => (old ? { ...old, ...s } : old));
      refresh();
    },
    onError: (e) => toast.show((e as Error).message, { tone: 'error' }),
  });
  return { update, refresh };
}

function RenameForm({ stack, onDone }: { stack: Stack; onDone: () => void }) {
  const [name, setName] = useState(stack.name);
  const { update } = useStackMutations();
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) update.mutate({ id: stack.id, name: name.trim() }, { onSuccess: onDone });
      }}
    >
      <label htmlFor={`stack-name-${stack.id}`} className="visually-hidden">
        New name for {stack.name}
      </label>
      <input id={`stack-name-${stack.id}`} value={name} maxLength={100} autoFocus onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && onDone()} />
      <button type="submit" className="btn btn-primary btn-small">
        Save
      </button>
      <button type="button" className="btn btn-ghost btn-small" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

function PinButton({ stack }: { stack: Stack }) {
  const { update } = useStackMutations();
  return (
    <button
      type="button"
      className={stack.pinned ? 'btn btn-small pin pinned' : 'btn btn-small pin'}
      aria-pressed={stack.pinned}
      title={stack.pinned ? 'Pinned: shown first. Press to unpin.' : 'Pin: show first'}
      onClick={() => update.mutate({ id: stack.id, pinned: !stack.pinned })}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8" /></svg>
      Pin<span className="visually-hidden"> {stack.name}</span>
    </button>
  );
}

export function StacksPage() {
  useTitle('Stacks');
  const stacks = useQuery({ queryKey: ['stacks'], queryFn: api.stacks.list });
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [pinned, setPinned] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.stacks.create(name.trim(), pinned),
    onSuccess: (s) => {
      setName('');
      setPinned(false);
      void queryClient.invalidateQueries({ queryKey: ['stacks'] });
      navigate(`/stacks/${s.id}`);
    },
  });
  return (
    <section className="page">
      <header className="page-head">
        <h1>Stacks</h1>
      </header>
      <form
        className="card inline-form"
        aria-label="Create a stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <div className="field grow">
          <label htmlFor="new-stack" className="label">
            New stack
          </label>
          <input id="new-stack" placeholder="e.g. Reading list" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} /> Pinned
        </label>
        <button type="submit" className="btn btn-primary" disabled={!name.trim() || create.isPending}>
          Create stack
        </button>
        {create.isError && (
          <p className="form-error" role="alert">
            {(create.error as Error).message}
          </p>
        )}
      </form>
      {stacks.isPending ? (
        <Loading label="Loading stacks…" />
      ) : stacks.isError ? (
        <ErrorState error={stacks.error} what="stacks" retry={() => void stacks.refetch()} />
      ) : stacks.data.items.length === 0 ? (
        <Empty title="No stacks yet.">A stack keeps notes together in the order you choose: a reading list, a talk outline, a project.</Empty>
      ) : (
        <ul className="stack-list">
          {stacks.data.items.map((s) => (
            <li key={s.id} className={s.pinned ? 'card stack-row is-pinned' : 'card stack-row'}>
              {renaming === s.id ? (
                <RenameForm stack={s} onDone={() => setRenaming(null)} />
              ) : (
                <h2 className="stack-name">
                  <Link to={`/stacks/${s.id}`}>{s.name}</Link>
                </h2>
              )}
              <span className="muted small">
                {s.noteCount} {s.noteCount === 1 ? 'note' : 'notes'}
              </span>
              <div className="row">
                <PinButton stack={s} />
                {renaming !== s.id && (
                  <button type="button" className="btn btn-small" onClick={() => setRenaming(s.id)} aria-label={`Rename ${s.name}`}>
                    Rename
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddNote({ stack }: { stack: StackWithNotes }) {
  const notes = useQuery({ queryKey: ['notes', 'recent'], queryFn: () => api.notes.list({}, null, 100) });
  const queryClient = useQueryClient();
  const toast = useToast();
  const [noteId, setNoteId] = useState('');
  const add = useMutation({
    mutationFn: () => api.stacks.addNote(stack.id, noteId),
    onSuccess: (s) => {
      queryClient.setQueryData(['stack', s.id], s);
      void queryClient.invalidateQueries({ queryKey: ['stacks'] });
      setNoteId('');
    },
    onError: (e) => toast.show(e instanceof ApiError && e.status === 409 ? 'That note is in this stack already.' : (e as Error).message, { tone: 'error' }),
  });
  const inStack = new Set(stack.notes.map((n) => n.id));
  const candidates = (notes.data?.items ?? []).filter((n) => !inStack.has(n.id));
  return (
    <form
      className="row add-note"
      onSubmit={(e) => {
        e.preventDefault();
        if (noteId) add.mutate();
      }}
    >
      <label htmlFor="add-note" className="visually-hidden">
        Note to add
      </label>
      <select id="add-note" value={noteId} onChange={(e) => setNoteId(e.target.value)} disabled={!candidates.length}>
        <option value="">{candidates.length ? 'Add a note…' : notes.isPending ? 'Loading notes…' : 'Every recent note is here'}</option>
        {candidates.map((n) => (
          <option key={n.id} value={n.id}>
            {noteTitle(n.content, 60)}
          </option>
        ))}
      </select>
      <button type="submit" className="btn" disabled={!noteId || add.isPending}>
        Add to stack
      </button>
    </form>
  );
}

function OrderedNotes({ stack }: { stack: StackWithNotes }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [order, setOrder] = useState<Note[]>(stack.notes);
  const [dragging, setDragging] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const focusAfter = useRef<string | null>(null);
  useEffect(() => setOrder(stack.notes), [stack.notes]);

  const save = useMutation({
    mutationFn: (notes: Note[]) => api.stacks.setNotes(stack.id, notes.map((n) => n.id)),
    onSuccess: (s) => {
      queryClient.setQueryData(['stack', s.id], s);
    },
    onError: (e) => {
      setOrder(stack.notes);
      toast.show(`The new order was not saved: ${(e as Error).message}`, { tone: 'error' });
    },
  });
  const remove = useMutation({
    mutationFn: (noteId: string) => api.stacks.removeNote(stack.id, noteId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['stack', stack.id] });
      void queryClient.invalidateQueries({ queryKey: ['stacks'] });
    },
  });

  const move = (from: number, to: number, how: 'keyboard' | 'drag') => {
    if (to < 0 || to >= order.length || from === to) return;
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    setOrder(next);
    save.mutate(next);
    setAnnounce(`Moved “${noteTitle(item!.content, 40)}” to position ${to + 1} of ${next.length}.`);
    if (how === 'keyboard') focusAfter.current = item!.id;
  };

  useEffect(() => {
    if (!focusAfter.current) return;
    document.getElementById(`handle-${focusAfter.current}`)?.focus();
    focusAfter.current = null;
  }, [order]);

  const onKey = (e: KeyboardEvent, i: number) => {
    if (e.altKey && e.key === 'ArrowUp') {
      e.preventDefault();
      move(i, i - 1, 'keyboard');
    } else if (e.altKey && e.key === 'ArrowDown') {
      e.preventDefault();
      move(i, i + 1, 'keyboard');
    }
  };

  const onDrop = (e: DragEvent, to: number) => {
    e.preventDefault();
    const id = e.dataTransfer.getData('text/x-mindstorm-note') || dragging;
    const from = order.findIndex((n) => n.id === id);
    setDragging(null);
    if (from >= 0) move(from, to, 'drag');
  };

  if (!order.length) return <Empty title="This stack is empty.">Add notes below, or from a note's page.</Empty>;
  return (
    <>
      <p className="muted small" id="reorder-help">
        Drag a note by its handle, or focus the handle and press Alt+↑ or Alt+↓ to move it.
      </p>
      <ol className="ordered-notes" aria-describedby="reorder-help" aria-busy={save.isPending}>
        {order.map((n, i) => (
          <li
            key={n.id}
            className={dragging === n.id ? 'card ordered-note dragging' : 'card ordered-note'}
            draggable
            onDragStart={(e) => {
              setDragging(n.id);
              e.dataTransfer.setData('text/x-mindstorm-note', n.id);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDragEnd={() => setDragging(null)}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
            }}
            onDrop={(e) => onDrop(e, i)}
            data-note-id={n.id}
          >
            <button
              type="button"
              id={`handle-${n.id}`}
              className="handle"
              aria-label={`Reorder “${noteTitle(n.content, 40)}”, position ${i + 1} of ${order.length}`}
              aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
              onKeyDown={(e) => onKey(e, i)}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01" /></svg>
            </button>
            <span className="position" aria-hidden="true">
              {i + 1}
            </span>
            <Link to={`/notes/${n.id}`} className="ordered-title">
              {noteTitle(n.content, 80)}
            </Link>
            <span className="row move-buttons">
              <button type="button" className="icon-btn" aria-label={`Move “${noteTitle(n.content, 40)}” up`} disabled={i === 0} onClick={() => move(i, i - 1, 'keyboard')}>
                ↑
              </button>
              <button type="button" className="icon-btn" aria-label={`Move “${noteTitle(n.content, 40)}” down`} disabled={i === order.length - 1} onClick={() => move(i, i + 1, 'keyboard')}>
                ↓
              </button>
              <button type="button" className="icon-btn" aria-label={`Remove “${noteTitle(n.content, 40)}” from the stack`} onClick={() => remove.mutate(n.id)}>
                ×
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status" aria-live="assertive">
        {announce}
      </p>
      {save.isPending && (
        <p className="muted small" role="status">
          <Spinner small /> Saving the order…
        </p>
      )}
    </>
  );
}

export function StackPage({ id }: { id: string }) {
  const stack = useQuery({ queryKey: ['stack', id], queryFn: () => api.stacks.get(id) });
  const queryClient = useQueryClient();
  const toast = useToast();
  const [renaming, setRenaming] = useState(false);
  useTitle(stack.data?.name ?? 'Stack');
  const del = useMutation({
    mutationFn: () => api.stacks.delete(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['stacks'] });
      toast.show('Stack deleted (its notes stay)');
      navigate('/stacks');
    },
  });
  if (stack.isPending) return <Loading label="Loading the stack…" />;
  if (stack.isError) return <ErrorState error={stack.error} what="the stack" retry={() => void stack.refetch()} />;
  const s = stack.data;
  return (
    <section className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/stacks">Stacks</Link> <span aria-hidden="true">/</span> <span aria-current="page">{s.name}</span>
      </nav>
      <header className="page-head">
        {renaming ? <RenameForm stack={s} onDone={() => setRenaming(false)} /> : <h1>{s.name}</h1>}
        <div className="row">
          <PinButton stack={s} />
          {!renaming && (
            <button type="button" className="btn btn-small" onClick={() => setRenaming(true)}>
              Rename
            </button>
          )}
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            onClick={() => {
              if (window.confirm(`Delete the stack “${s.name}”? Its notes stay.`)) del.mutate();
            }}
          >
            Delete
          </button>
        </div>
      </header>
      <OrderedNotes stack={s} />
      <AddNote stack={s} />
    </section>
  );
}
