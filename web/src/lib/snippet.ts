// Search snippets are HTML-escaped text with <mark> elements only. Before one is rendered as HTML,
// it must be exactly that: any other tag (or a stray angle bracket) means it is shown as plain text.

const ONLY_MARKS = /^(?:[^<>]|<mark>|<\/mark>)*$/;

/** The snippet as HTML when it contains nothing but text and <mark>/</mark>; otherwise null. */
export function safeSnippetHtml(snippet: string): string | null {
  return ONLY_MARKS.test(snippet) ? snippet : null;
}

/** The snippet as plain text (tags dropped, the common entities decoded), for the unsafe case. */
export function snippetText(snippet: string): string {
  return snippet
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Drops Markdown punctuation (heading marks, emphasis, code ticks) from snippet text; tags are untouched. */
export function stripMarkdown(snippet: string): string {
  return snippet
    .replace(/(^|\s)#{1,6}\s+/g, '$1')
    .replace(/(\*\*|__|\*|`)/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
