import { describe, expect, it } from 'vitest';
import { escapeMarkdown, excerptOf, formatDate, mainTheme, plainText, writeInsight, type InsightFacts } from './insight-writer.ts';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function facts(over: Partial<InsightFacts> = {}): InsightFacts {
  return {
    week: { monday: '2026-03-23', sunday: '2026-03-29', timeZone: 'Europe/Berlin' },
    notes: 12,
    words: 3450,
    previousWeeks: [8, 6, 10, 8],
    themes: [
      {
        clusterId: ID(100),
        name: 'Sourdough bread',
        notes: 5,
        previousAverage: 0,
        isNew: true,
        representatives: [
          { noteId: ID(1), excerpt: 'Feed the starter the night before' },
          { noteId: ID(2), excerpt: 'Knead for ten minutes' },
          { noteId: ID(3), excerpt: 'never shown: two per theme' },
        ],
      },
      { clusterId: ID(101), name: 'Car *maintenance*', notes: 3, previousAverage: 0.5, isNew: false, representatives: [{ noteId: ID(4), excerpt: 'Brakes [squeal]' }] },
      { clusterId: ID(102), name: 'Databases', notes: 2, previousAverage: 2, isNew: false, representatives: [] },
    ],
    unclustered: 2,
    highlights: [{ noteId: ID(1), excerpt: 'Feed the starter the night before' }],
    risingTags: [{ tag: 'cooking', notes: 5, previousAverage: 0.25 }],
    echo: { noteId: ID(9), excerpt: 'My grandmother baked rye', writtenOn: '2025-12-01', similarity: 0.8, themeName: 'Sourdough bread' },
    byWeekday: [1, 5, 0, 2, 1, 3, 0],
    byHour: Array.from({ length: 24 }, (_, h) => (h === 21 ? 4 : h === 8 ? 3 : h === 12 ? 5 - 0 : 0)),
    ...over,
  };
}

describe('the insight writer', () => {
  it('titles the week with its main theme', () => {
    expect(writeInsight(facts()).title).toBe('Week of 23 March 2026: Sourdough bread');
    expect(mainTheme(facts({ themes: [] }))).toBe('#cooking');
    expect(writeInsight(facts({ themes: [], risingTags: [] })).title).toBe('Week of 23 March 2026: 12 notes');
  });

  it('gives the counts and the change against the four-week average', () => {
    const { content } = writeInsight(facts());
    expect(content.split('\n')[0]).toBe('**12 notes** this week (3,450 words): 50% more than your four-week average of 8.');
    expect(writeInsight(facts({ notes: 4 })).content).toContain('50% fewer than your four-week average of 8.');
    expect(writeInsight(facts({ notes: 8 })).content).toContain('about your four-week average of 8.');
    expect(writeInsight(facts({ notes: 1, words: 1, previousWeeks: [0, 0, 0, 0] })).content).toContain('**1 note** this week (1 word), after none in the four weeks before.');
    expect(writeInsight(facts({ previousWeeks: [1, 2, 0, 0] })).content).toContain('four-week average of 0.8');
  });

  it('lists the themes that appeared or grew, with their most representative notes linked by id', () => {
    const { content } = writeInsight(facts());
    expect(content).toContain(`- **Sourdough bread**: 5 notes, new this week\n  - [“Feed the starter the night before”](/notes/${ID(1)})\n  - [“Knead for ten minutes”](/notes/${ID(2)})\n`);
    expect(content).not.toContain('never shown');
    expect(content).toContain('- **Car \\*maintenance\\***: 3 notes, up from 0.5 a week');
    expect(content).toContain(`  - [“Brakes \\[squeal\\]”](/notes/${ID(4)})`);
    expect(content).toContain('- **Databases**: 2 notes, as usual (2 a week)');
    expect(content).toContain('- 2 notes outside any theme');
  });

  it('names rising tags, an older note the week echoes, and when the user wrote', () => {
    const { content } = writeInsight(facts());
    expect(content).toContain('## Tags on the rise\n\n- **#cooking**: 5 notes (0.3 a week before)');
    expect(content).toContain(`Your notes on **Sourdough bread** echo [“My grandmother baked rye”](/notes/${ID(9)}), written on 1 December 2025.`);
    expect(content).toContain('Mostly on **Tuesday** (5 notes), and most often between **12:00 and 13:00** (5 notes), Europe/Berlin time.');
    expect(content).toContain('| 1 | 5 | 0 | 2 | 1 | 3 | 0 |');
  });

  it('quotes the most central notes of the week when there are no themes yet', () => {
    const { content } = writeInsight(facts({ themes: [], unclustered: 12 }));
    expect(content).toContain(`## Notes that capture the week\n\n- [“Feed the starter the night before”](/notes/${ID(1)})`);
    expect(content).not.toContain('## Themes');
  });

  it('leaves out what there is nothing to say about', () => {
    const { content } = writeInsight(facts({ risingTags: [], echo: null }));
    expect(content).not.toContain('Tags on the rise');
    expect(content).not.toContain('From the past');
  });

  it('is deterministic: the same facts make the same insight', () => {
    expect(writeInsight(facts())).toEqual(writeInsight(facts()));
  });
});

describe('excerpts and escaping', () => {
  it('takes a note\'s opening words as plain text, ending on a sentence or a word', () => {
    expect(excerptOf('# First idea\nNotes that **think** with [you](https://x.example).')).toBe('First idea: Notes that think with you.');
    expect(plainText('- [ ] buy *flour*\n> quoted `code`\n```\nhidden()\n```\n<b>bold</b>')).toBe('buy flour quoted code bold');
    const long = `${'word '.repeat(20)}The end. ${'more '.repeat(40)}`;
    expect(excerptOf(long, 140)).toBe(`${'word '.repeat(20)}The end.`);
    const noSentence = 'alpha '.repeat(40);
    const cut = excerptOf(noSentence, 50);
    expect(cut.endsWith('alpha…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(excerptOf('snake_case_name stays')).toBe('snake_case_name stays');
  });

  it('escapes Markdown so user text never becomes markup or a link', () => {
    expect(escapeMarkdown('[x](javascript:alert(1)) <script> *a* _b_ `c` #d')).toBe(
      '\\[x\\]\\(javascript:alert\\(1\\)\\) \\<script\\> \\*a\\* \\_b\\_ \\`c\\` \\#d',
    );
    const { content } = writeInsight(facts({ themes: [], highlights: [{ noteId: ID(5), excerpt: '](http://evil) <img src=x>' }] }));
    expect(content).toContain(`[“\\]\\(http://evil\\) \\<img src=x\\>”](/notes/${ID(5)})`);
  });

  it('writes dates in words', () => {
    expect(formatDate('2026-03-09')).toBe('9 March 2026');
  });
});
