import { useMemo } from 'react';
import { renderMarkdown } from '../lib/markdown.ts';
import { routeInternalLinks } from '../lib/router.tsx';

/** Markdown rendered to sanitised HTML (lib/markdown.ts); links inside the app stay in the app. */
export function MarkdownView({ source, className = '' }: { source: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  // eslint-disable-next-line react/no-danger -- sanitised by DOMPurify in renderMarkdown
  return <div className={`prose ${className}`} onClick={routeInternalLinks} dangerouslySetInnerHTML={{ __html: html }} />;
}
