import type { ReactNode } from 'react';
import type { Note } from '../api/types.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { noteTitle } from '../lib/markdown.ts';
import { Link } from '../lib/router.tsx';
import { MarkdownView } from './markdown-view.tsx';

/** Tags as small links to the filtered timeline. */
export function Tags({ tags }: { tags: string[] }) {
  if (!tags.length) return null;
  return (
    <ul className="tags" aria-label="Tags">
      {tags.map((t) => (
        <li key={t}>
          <Link className="chip chip-link" to={`/?tag=${encodeURIComponent(t)}`}>
            #{t}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** A note in a list: its title links to the note page, the body is a clamped preview. */
export function NoteCard({ note, extra, children }: { note: Note; extra?: ReactNode; children?: ReactNode }) {
  const title = noteTitle(note.content);
  const body = note.content.split('\n').slice(note.content.trimStart().startsWith('#') ? 1 : 0).join('\n').trim();
  return (
    <article className="card note-card">
      <header className="note-card-head">
        <h2 className="note-card-title">
          <Link to={`/notes/${note.id}`}>{title}</Link>
        </h2>
        <time dateTime={note.createdAt} title={formatDateTime(note.createdAt)} className="muted small">
          {formatRelative(note.createdAt)}
        </time>
      </header>
      {children ?? (body && body !== title ? <MarkdownView source={body.slice(0, 600)} className="clamp" /> : null)}
      <footer className="note-card-foot">
        <Tags tags={note.tags} />
        {extra}
      </footer>
    </article>
  );
}
