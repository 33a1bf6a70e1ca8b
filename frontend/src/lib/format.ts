import type { ExecutionStatus, ResourceUsage } from './api/types';

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m} min ${s} s`;
}

/** CPU seconds = jiffies / clock ticks per second; null when the tick rate is unknown (0). */
export function cpuSeconds(usage: ResourceUsage | null | undefined): number | null {
  if (!usage || !usage.clk_tck_hertz || usage.clk_tck_hertz <= 0) return null;
  return usage.cpu_time_jiffies / usage.clk_tck_hertz;
}

export function formatKilobytes(kb: number | null | undefined): string {
  if (kb == null || !Number.isFinite(kb) || kb < 0) return '—';
  if (kb < 1024) return `${Math.round(kb)} KB`;
  const mb = kb / 1024;
  if (mb < 1024) return `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
  return `${(mb / 1024).toFixed(2)} GB`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return formatKilobytes(bytes / 1024);
}

export const STATUS_LABEL: Record<ExecutionStatus | 'idle' | 'submitting', string> = {
  idle: 'Ready',
  submitting: 'Submitting…',
  queued: 'Queued',
  scheduled: 'Scheduled',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  error: 'Error',
};

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const diff = Math.round((now - t) / 1000);
  if (diff < 45) return 'just now';
  if (diff < 3600) return `${Math.round(diff / 60)} min ago`;
  if (diff < 86400) return `${Math.round(diff / 3600)} h ago`;
  return formatDateTime(iso);
}
