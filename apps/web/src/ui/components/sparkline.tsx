/** Props of {@link Sparkline}. */
export interface SparklineProps {
  /** Values oldest first; null is a gap. */
  readonly values: readonly (number | null)[];
  /** What the values are, for screen readers (`requests per second`). */
  readonly label: string;
  /** How a value reads (`2.3 rps`). */
  readonly format: (v: number) => string;
  readonly width?: number;
  readonly height?: number;
  /** Fixed lower bound of the scale (0 for rates); default: the smallest value. */
  readonly min?: number;
  /** Fixed upper bound (1 for success rates); default: the largest value. */
  readonly max?: number;
  /** CSS class for colour (`spark-good`, …). */
  readonly tone?: string;
}

/** A small SVG line of recent values, with its trend in words for screen readers. */
export function Sparkline({
  values,
  label,
  format,
  width = 96,
  height = 24,
  min,
  max,
  tone = 'spark-neutral',
}: SparklineProps) {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) {
    return (
      <svg
        class={`sparkline ${tone}`}
        width={width}
        height={height}
        role="img"
        aria-label={`${label}: collecting`}
      >
        <line x1={0} x2={width} y1={height - 1} y2={height - 1} class="spark-baseline" />
      </svg>
    );
  }
  const lo = min ?? Math.min(...present);
  let hi = max ?? Math.max(...present);
  if (hi - lo < 1e-9) hi = lo + 1;
  const step = width / Math.max(1, values.length - 1);
  const y = (v: number) => height - 2 - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (height - 4);
  // Split at gaps so missing samples are not drawn as a slope.
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
    } else run.push(`${(i * step).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (run.length > 0) runs.push(run.join(' '));
  const last = present.at(-1)!;
  const first = present[0]!;
  const lastIndex = values.lastIndexOf(last);
  return (
    <svg
      class={`sparkline ${tone}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${format(first)} to ${format(last)} over the last ${values.length} samples`}
    >
      {runs.map((points) => (
        <polyline key={points} points={points} class="spark-line" />
      ))}
      <circle cx={lastIndex * step} cy={y(last)} r={2} class="spark-dot" />
    </svg>
  );
}
