// Small SVG charts for the insights: no library, labelled for screen readers with a table fallback.

export interface Bar {
  label: string;
  value: number;
  title?: string;
}

/** Vertical bars (e.g. notes per day). */
export function BarChart({ bars, label }: { bars: Bar[]; label: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = 28;
  const gap = 10;
  const h = 90;
  const width = bars.length * (w + gap) - gap;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${h + 20}`} role="img" aria-label={`${label}: ${bars.map((b) => `${b.title ?? b.label} ${b.value}`).join(', ')}`}>
        {bars.map((b, i) => {
          const bh = Math.max(b.value ? 3 : 1, (b.value / max) * h);
          return (
            <g key={i}>
              <rect className={b.value ? 'bar' : 'bar bar-empty'} x={i * (w + gap)} y={h - bh} width={w} height={bh} rx="4">
                <title>{`${b.title ?? b.label}: ${b.value}`}</title>
              </rect>
              <text className="chart-label" x={i * (w + gap) + w / 2} y={h + 15} textAnchor="middle">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** Horizontal bars with their labels (e.g. themes of a week). */
export function RankChart({ bars, label }: { bars: Bar[]; label: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure className="chart rank-chart">
      <ol aria-label={label}>
        {bars.map((b) => (
          <li key={b.label}>
            <span className="rank-label">{b.label}</span>
            <span className="rank-track" aria-hidden="true">
              <svg viewBox="0 0 100 10" preserveAspectRatio="none">
                <rect className="bar" x="0" y="0" height="10" width={(b.value / max) * 100} rx="2" />
              </svg>
            </span>
            <span className="rank-value">{b.value}</span>
          </li>
        ))}
      </ol>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
