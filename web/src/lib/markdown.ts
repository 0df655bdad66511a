// Markdown to safe HTML: marked renders, DOMPurify removes anything that could run or restyle the page.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (/^https?:/i.test(href)) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  }
});

/** Renders Markdown to sanitised HTML (no scripts, styles, forms, frames or event handlers). */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style', 'class', 'id'],
  });
}

/** The first line of a note, without Markdown marks, for titles and lists. */
export function noteTitle(content: string, max = 80): string {
  const line = content.split('\n').find((l) => l.trim() !== '') ?? '';
  const plain = line.replace(/<[^>]*>/g, '').replace(/^#+\s*/, '').replace(/[*_`~>#[\]]/g, '').replace(/\(https?:[^)]*\)/g, '').trim();
  if (!plain) return 'Untitled note';
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
