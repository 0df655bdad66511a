// The capture box: a modal always one key away (`n`). Every keystroke is kept as a draft in
// localStorage; "Save" hands the note to the outbox, which delivers it even through a network blink.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Draft, Outbox } from '../lib/outbox.ts';
import { MarkdownView } from './markdown-view.tsx';
import { TagInput } from './tag-input.tsx';

export function CaptureDialog({
  open,
  onClose,
  outbox,
  initial,
}: {
  open: boolean;
  onClose: () => void;
  outbox: Outbox;
  initial?: Draft | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const [draft, setDraftState] = useState<Draft>(() => outbox.loadDraft());
  const [tab, setTab] = useState<'write' | 'preview'>('write');

  const setDraft = (d: Draft) => {
    setDraftState(d);
    outbox.saveDraft(d);
  };

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (initial) setDraft(initial);
      setTab('write');
      dialog.showModal();
      requestAnimationFrame(() => textRef.current?.focus());
    } else if (!open && dialog.open) {
      dialog.close();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const save = () => {
    if (!draft.content.trim()) {
      textRef.current?.focus();
      return;
    }
    outbox.add(draft.content, draft.tags);
    setDraft({ content: '', tags: [] });
    onClose();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  };

  const hasDraft = draft.content.length > 0 || draft.tags.length > 0;
  return (
    <dialog ref={ref} className="dialog capture" aria-labelledby="capture-title" onClose={onClose} onKeyDown={onKeyDown}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <header className="dialog-head">
          <h2 id="capture-title">New note</h2>
          <div className="segmented" role="group" aria-label="Editor view">
            <button type="button" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>
              Write
            </button>
            <button type="button" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')}>
              Preview
            </button>
          </div>
        </header>
        {tab === 'write' ? (
          <>
            <label htmlFor="capture-text" className="visually-hidden">
              Note (Markdown)
            </label>
            <textarea
              id="capture-text"
              ref={textRef}
              className="editor"
              placeholder="What's on your mind? Markdown works: # heading, **bold**, - lists, [links](https://…)"
              value={draft.content}
              onChange={(e) => setDraft({ ...draft, content: e.target.value })}
              rows={9}
            />
          </>
        ) : (
          <div className="preview" aria-label="Preview">
            {draft.content.trim() ? <MarkdownView source={draft.content} /> : <p className="muted">Nothing to preview yet.</p>}
          </div>
        )}
        <TagInput value={draft.tags} onChange={(tags) => setDraft({ ...draft, tags })} />
        <footer className="dialog-foot">
          <span className="muted small" aria-live="polite">
            {hasDraft ? 'Draft kept on this device until saved.' : 'Ctrl+Enter saves · Esc closes'}
          </span>
          <div className="row">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Close
            </button>
            <button type="submit" className="btn btn-primary" disabled={!draft.content.trim()}>
              Save note
            </button>
          </div>
        </footer>
      </form>
    </dialog>
  );
}
