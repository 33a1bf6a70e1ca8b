// Client-side aggregation for the overview's charts, from the admin executions list and queue samples
// (the server has no time-series endpoint for these yet).
import type { AdminExecutionResponse, ExecutionStatus } from '../../lib/api/types';

export interface Series {
  key: string;
  label: string;
  /** CSS colour (a custom property of the theme). */
  color: string;
}

export interface Bucket {
  /** Start of the hour, epoch ms. */
  start: number;
  counts: Record<string, number>;
}

export const HOUR = 3_600_000;

/** Status groups the chart shows: few enough to tell apart, and the ones an admin acts on. */
export const STATUS_SERIES: Series[] = [
  { key: 'completed', label: 'Completed', color: 'var(--chart-ok)' },
  { key: 'failed', label: 'Failed or error', color: 'var(--chart-bad)' },
  { key: 'timeout', label: 'Timed out', color: 'var(--chart-warn)' },
  { key: 'cancelled', label: 'Cancelled', color: 'var(--chart-muted)' },
  { key: 'active', label: 'Queued or running', color: 'var(--chart-info)' },
];

export function statusGroup(status: ExecutionStatus): string {
  switch (status) {
    case 'completed':
      return 'completed';
    case 'failed':
    case 'error':
      return 'failed';
    case 'timeout':
      return 'timeout';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'active';
  }
}

const PALETTE = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];

/** One series per language seen, in order of how many runs it had (the smallest beyond five as "other"). */
export function languageSeries(runs: AdminExecutionResponse[]): Series[] {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.lang, (counts.get(r.lang) ?? 0) + 1);
  const langs = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l]) => l);
  const shown = langs.slice(0, PALETTE.length - (langs.length > PALETTE.length ? 1 : 0));
  const series = shown.map((l, i) => ({ key: l, label: l, color: PALETTE[i] }));
  if (langs.length > shown.length) series.push({ key: 'other', label: 'Other', color: 'var(--chart-muted)' });
  return series;
}

/**
 * Runs per hour over the `hours` hours up to `now`, counted by `keyOf` (status group, language…).
 * Runs outside the window are left out; every hour of the window has a bucket, empty or not.
 */
export function perHour(
  runs: AdminExecutionResponse[],
  keyOf: (r: AdminExecutionResponse) => string,
  now: number,
  hours = 24,
): Bucket[] {
  const end = Math.floor(now / HOUR) * HOUR;
  const first = end - (hours - 1) * HOUR;
  const buckets: Bucket[] = [];
  for (let t = first; t <= end; t += HOUR) buckets.push({ start: t, counts: {} });
  for (const r of runs) {
    const t = Date.parse(r.created_at);
    if (!Number.isFinite(t) || t < first || t >= end + HOUR) continue;
    const b = buckets[Math.floor((t - first) / HOUR)];
    const k = keyOf(r);
    b.counts[k] = (b.counts[k] ?? 0) + 1;
  }
  return buckets;
}

/** Language key for the chart: the language, or "other" when it is not one of the shown series. */
export function languageKey(series: Series[]): (r: AdminExecutionResponse) => string {
  const known = new Set(series.map((s) => s.key));
  return (r) => (known.has(r.lang) ? r.lang : 'other');
}

/** Share of ended runs per hour that failed, errored or timed out (null for an hour with none ended). */
export function errorRate(buckets: Bucket[]): (number | null)[] {
  return buckets.map((b) => {
    const bad = (b.counts.failed ?? 0) + (b.counts.timeout ?? 0);
    const ended = bad + (b.counts.completed ?? 0) + (b.counts.cancelled ?? 0);
    return ended === 0 ? null : bad / ended;
  });
}

export interface QueueSample {
  at: number;
  depth: number;
  active: number;
}

/**
 * Queue depth samples taken while the admin pages are open, kept for the session (not across reloads:
 * the server keeps no history of it yet).
 */
class QueueHistory {
  samples = $state<QueueSample[]>([]);
  private readonly max = 360;

  add(sample: QueueSample): void {
    this.samples = [...this.samples.slice(-(this.max - 1)), sample];
  }

  clear(): void {
    this.samples = [];
  }
}

export const queueHistory = new QueueHistory();

/** Seconds the runs still waiting have waited so far, longest first. */
export function waits(runs: AdminExecutionResponse[], now: number): number[] {
  return runs
    .filter((r) => r.status === 'queued' || r.status === 'scheduled')
    .map((r) => Math.max(0, (now - Date.parse(r.created_at)) / 1000))
    .filter(Number.isFinite)
    .sort((a, b) => b - a);
}
