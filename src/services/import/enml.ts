// ENML (Evernote's XHTML note body) to Markdown-ish text: headings, emphasis, links, lists,
// check boxes, code blocks, quotes, tables and rules; attachments become a placeholder line.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', trade: '™', euro: '€',
  bull: '•', middot: '·', laquo: '«', raquo: '»', times: '×', deg: '°', shy: '', zwnj: '', zwj: '',
};

/** Decodes XML character references and the HTML entities ENML allows. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>|([^<]+)|</g;

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    out[m[1]!.toLowerCase()] = decodeEntities(m[3] ?? m[4] ?? m[5] ?? '');
  }
  return out;
}

const BLOCK = new Set(['div', 'p', 'section', 'article', 'header', 'footer', 'center', 'address', 'en-note', 'table', 'tbody', 'thead', 'ul', 'ol', 'dl', 'dd', 'dt']);
const MARK: Record<string, string> = { b: '**', strong: '**', i: '_', em: '_', s: '~~', strike: '~~', del: '~~' };

/** Converts an ENML document to Markdown-ish text. */
export function enmlToMarkdown(enml: string): string {
  let out = '';
  const lists: { ordered: boolean; n: number }[] = [];
  const links: { at: number; href: string }[] = [];
  const quotes: number[] = [];
  const stack: string[] = [];
  let pre = 0;
  const newline = () => {
    if (/(^|\n) *(?:-|\d+\.) $/.test(out.slice(-16))) return; // a list item's first block stays on its bullet line
    out = out.replace(/[ \t]+$/, '');
    if (out && !out.endsWith('\n')) out += '\n';
  };
  const blank = () => {
    newline();
    if (out && !out.endsWith('\n\n')) out += '\n';
  };
  const text = (t: string) => {
    if (pre) {
      out += t;
      return;
    }
    const s = t.replace(/\s+/g, ' ');
    out += out === '' || /[\s]$/.test(out) ? s.replace(/^ /, '') : s;
  };

  for (const m of enml.matchAll(TOKEN)) {
    const [, cdata, closing, rawName, attrText = '', selfClosing, chars] = m;
    if (cdata !== undefined) text(cdata);
    else if (chars !== undefined) text(decodeEntities(chars));
    if (!rawName) continue;
    const name = rawName.toLowerCase();
    const a = attrs(attrText);
    const codeBlock = name === 'div' && /-en-codeblock\s*:\s*true/.test(a.style ?? '');
    if (!closing) {
      if (!selfClosing) stack.push(codeBlock ? 'codeblock' : name);
      if (codeBlock || name === 'pre') {
        if (pre++ === 0) {
          blank();
          out += '```\n';
        }
      } else if (/^h[1-6]$/.test(name)) {
        blank();
        out += `${'#'.repeat(Number(name[1]))} `;
      } else if (name === 'ul' || name === 'ol') {
        newline();
        lists.push({ ordered: name === 'ol', n: 0 });
      } else if (name === 'li') {
        newline();
        const list = lists.at(-1) ?? { ordered: false, n: 0 };
        list.n++;
        out += `${'  '.repeat(Math.max(0, lists.length - 1))}${list.ordered ? `${list.n}.` : '-'} `;
      } else if (name === 'br') out += '\n';
      else if (name === 'hr') {
        blank();
        out += '---\n\n';
      } else if (name === 'en-todo') out += a.checked === 'true' ? '[x] ' : '[ ] ';
      else if (name === 'en-media') out += `[attachment: ${a.type ?? 'file'}]`;
      else if (name === 'en-crypt') out += '[encrypted text: not imported]';
      else if (name === 'img') out += `![${a.alt ?? ''}](${a.src ?? ''})`;
      else if (name === 'a') links.push({ at: out.length, href: a.href ?? '' });
      else if (name === 'blockquote') {
        blank();
        quotes.push(out.length);
      } else if (name === 'tr') {
        newline();
        out += '|';
      } else if (name === 'td' || name === 'th') out += ' ';
      else if (name === 'code' && !pre) out += '`';
      else if (MARK[name]) out += MARK[name];
      else if (BLOCK.has(name)) newline();
    } else {
      const open = stack.pop();
      if (name === 'pre' || open === 'codeblock') {
        if (--pre === 0) {
          newline();
          out += '```\n\n';
        }
      } else if (/^h[1-6]$/.test(name)) blank();
      else if (name === 'ul' || name === 'ol') {
        lists.pop();
        if (!lists.length) blank();
      } else if (name === 'a') {
        const link = links.pop();
        if (link && link.href) {
          const label = out.slice(link.at).trim();
          out = out.slice(0, link.at) + (label && label !== link.href ? `[${label}](${link.href})` : `<${link.href}>`);
        }
      } else if (name === 'blockquote') {
        const at = quotes.pop() ?? out.length;
        const quoted = out.slice(at).trim().split('\n').map((l) => (l ? `> ${l}` : '>'));
        out = `${out.slice(0, at)}${quoted.join('\n')}\n\n`;
      } else if (name === 'td' || name === 'th') out += ' |';
      else if (name === 'code' && !pre) out += '`';
      else if (MARK[name]) out += MARK[name];
      else if (name === 'p') blank();
      else if (BLOCK.has(name)) newline();
    }
  }
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
