// The search snippet is rendered as HTML only when it is escaped text with <mark> elements.
import { describe, expect, it } from 'vitest';
import { safeSnippetHtml, snippetText, stripMarkdown } from '../../web/src/lib/snippet.ts';

describe('search snippets', () => {
  it('accepts escaped text with <mark> elements', () => {
    const s = 'the <mark>bread</mark> rose &amp; the crust &lt;b&gt; was crisp';
    expect(safeSnippetHtml(s)).toBe(s);
  });

  it('refuses any other tag or stray angle bracket', () => {
    for (const s of ['<img src=x onerror=alert(1)>', '<mark onclick="x">a</mark>', '<script>alert(1)</script>', 'a < b', '<MARK>a</MARK>', '<mark >a</mark>', '<b>bold</b>']) {
      expect(safeSnippetHtml(s), s).toBeNull();
    }
  });

  it('falls back to plain text', () => {
    expect(snippetText('<b>x</b> &lt;3 &amp; &quot;q&quot;')).toBe('x <3 & "q"');
  });

  it('drops Markdown punctuation but keeps marks and entities', () => {
    expect(stripMarkdown('# Title **<mark>bread</mark>** and `code` &#39;x&#39;')).toBe("Title <mark>bread</mark> and code &#39;x&#39;");
    expect(safeSnippetHtml(stripMarkdown('# A <mark>b</mark>'))).not.toBeNull();
  });
});
