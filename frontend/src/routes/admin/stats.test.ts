import { describe, expect, it } from 'vitest';
import type { AdminExecutionResponse } from '../../lib/api/types';
import { runFixture } from './fixtures';
import { errorRate, HOUR, languageKey, languageSeries, perHour, statusGroup, waits } from './stats.svelte';
import { validateSettings } from './settingsRules';
import { settingsFixture } from './fixtures';

const run = (over: Record<string, unknown>) => runFixture(over) as unknown as AdminExecutionResponse;
const now = Date.parse('2026-03-01T12:30:00Z');

describe('overview aggregation', () => {
  it('counts runs per hour by status group over the last 24 hours, with every hour present', () => {
    const runs = [
      run({ status: 'completed', created_at: '2026-03-01T12:05:00Z' }),
      run({ status: 'error', created_at: '2026-03-01T12:10:00Z' }),
      run({ status: 'failed', created_at: '2026-03-01T11:59:59Z' }),
      run({ status: 'queued', created_at: '2026-03-01T12:29:00Z' }),
      run({ status: 'completed', created_at: '2026-02-27T12:00:00Z' }), // outside the window
    ];
    const buckets = perHour(runs, (r) => statusGroup(r.status), now);
    expect(buckets).toHaveLength(24);
    expect(buckets.at(-1)!.start).toBe(Date.parse('2026-03-01T12:00:00Z'));
    expect(buckets.at(-1)!.counts).toEqual({ completed: 1, failed: 1, active: 1 });
    expect(buckets.at(-2)!.counts).toEqual({ failed: 1 });
    expect(buckets.slice(0, -2).every((b) => Object.keys(b.counts).length === 0)).toBe(true);
    expect(buckets[1].start - buckets[0].start).toBe(HOUR);
  });

  it('gives the five busiest languages their own series and the rest "other"', () => {
    const langs = ['python', 'python', 'python', 'go', 'go', 'ruby', 'node', 'bash', 'php'];
    const runs = langs.map((lang, i) => run({ lang, execution_id: `e${i}` }));
    const series = languageSeries(runs);
    expect(series.map((s) => s.key)).toEqual(['python', 'go', 'bash', 'node', 'other']);
    expect(languageKey(series)(run({ lang: 'php' }))).toBe('other');
    expect(languageKey(series)(run({ lang: 'go' }))).toBe('go');
  });

  it('computes the error rate of ended runs per hour, and none for an hour without ended runs', () => {
    expect(
      errorRate([
        { start: 0, counts: { completed: 3, failed: 1 } },
        { start: 1, counts: { active: 2 } },
        { start: 2, counts: { timeout: 1, cancelled: 1 } },
      ]),
    ).toEqual([0.25, null, 0.5]);
  });

  it('lists how long waiting runs have waited, longest first', () => {
    const w = waits(
      [
        run({ status: 'queued', created_at: '2026-03-01T12:29:50Z' }),
        run({ status: 'running', created_at: '2026-03-01T12:00:00Z' }),
        run({ status: 'queued', created_at: '2026-03-01T12:29:00Z' }),
      ],
      now,
    );
    expect(w).toEqual([60, 10]);
  });
});

describe('system settings rules', () => {
  it('accepts the defaults and names each field out of range', () => {
    expect(validateSettings({ ...settingsFixture } as never)).toEqual({});
    const errors = validateSettings({
      ...settingsFixture,
      max_timeout_seconds: 0,
      password_min_length: 7.5,
      memory_limit: '8Mi',
      cpu_limit: 'lots',
      sampling_rate: 2,
    } as never);
    expect(errors).toEqual({
      max_timeout_seconds: 'Between 1 and 3600',
      password_min_length: 'Enter a whole number',
      memory_limit: 'At least 16Mi',
      cpu_limit: 'Like 500m or 2',
      sampling_rate: 'Between 0 and 1',
    });
    expect(validateSettings({ ...settingsFixture, memory_limit: '1Gi', cpu_limit: '2' } as never)).toEqual(
      {},
    );
  });
});
