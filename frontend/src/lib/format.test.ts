import { describe, expect, it } from 'vitest';
import { cpuSeconds, formatKilobytes, formatSeconds, relativeTime } from './format';

describe('format', () => {
  it('derives CPU seconds from jiffies and the clock tick rate', () => {
    expect(
      cpuSeconds({
        execution_time_wall_seconds: 1,
        cpu_time_jiffies: 150,
        clk_tck_hertz: 100,
        peak_memory_kb: 1,
      }),
    ).toBe(1.5);
    expect(
      cpuSeconds({
        execution_time_wall_seconds: 1,
        cpu_time_jiffies: 150,
        clk_tck_hertz: 0,
        peak_memory_kb: 1,
      }),
    ).toBeNull();
    expect(cpuSeconds(null)).toBeNull();
  });

  it('formats durations', () => {
    expect(formatSeconds(0.0421)).toBe('42 ms');
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(12.34)).toBe('12.3 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatSeconds(null)).toBe('—');
  });

  it('formats memory', () => {
    expect(formatKilobytes(512)).toBe('512 KB');
    expect(formatKilobytes(9320)).toBe('9.1 MB');
    expect(formatKilobytes(131072)).toBe('128 MB');
    expect(formatKilobytes(undefined)).toBe('—');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-01-01T11:50:00Z', now)).toBe('10 min ago');
    expect(relativeTime('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('garbage', now)).toBe('');
  });
});
