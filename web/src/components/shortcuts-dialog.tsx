import { useEffect, useRef } from 'react';

const SHORTCUTS: [string, string][] = [
  ['n', 'New note'],
  ['/', 'Search'],
  ['Ctrl + Enter', 'Save the note being written'],
  ['Esc', 'Close a dialog'],
  ['Alt + ↑ / ↓', 'Move a note in a stack'],
  ['?', 'This list'],
];

/** The keyboard shortcuts, shown with `?`. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog dialog-small" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-foot">
        <button type="button" className="btn" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
