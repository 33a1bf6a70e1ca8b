// The system settings' rules, as the server checks them, so the form can say what is wrong before
// sending (the server stays the judge).
import type { LogLevel, SystemSettings } from '../../lib/api/types';

export const LOG_LEVELS: LogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

type NumberKey = {
  [K in keyof SystemSettings]: SystemSettings[K] extends number ? K : never;
}[keyof SystemSettings];

export const RANGES: Record<NumberKey, { min: number; max: number; label: string; integer: boolean }> = {
  max_timeout_seconds: { min: 1, max: 3600, label: 'Longest run (seconds)', integer: true },
  max_concurrent_executions: { min: 1, max: 100, label: 'Runs at once', integer: true },
  password_min_length: { min: 8, max: 32, label: 'Shortest password', integer: true },
  session_timeout_minutes: { min: 5, max: 1440, label: 'Session length (minutes)', integer: true },
  max_login_attempts: { min: 3, max: 10, label: 'Failed sign-ins before a lockout', integer: true },
  lockout_duration_minutes: { min: 5, max: 60, label: 'Lockout (minutes)', integer: true },
  metrics_retention_days: { min: 7, max: 90, label: 'Keep metrics (days)', integer: true },
  sampling_rate: { min: 0, max: 1, label: 'Trace sampling rate (0–1)', integer: false },
};

const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const CPU = /^(\d+(\.\d+)?)(m)?$/;
const UNIT: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

export function validateSettings(s: SystemSettings): Partial<Record<keyof SystemSettings, string>> {
  const errors: Partial<Record<keyof SystemSettings, string>> = {};
  for (const [key, r] of Object.entries(RANGES) as [NumberKey, (typeof RANGES)[NumberKey]][]) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) errors[key] = 'Enter a number';
    else if (r.integer && !Number.isInteger(v)) errors[key] = 'Enter a whole number';
    else if (v < r.min || v > r.max) errors[key] = `Between ${r.min} and ${r.max}`;
  }
  const mem = MEMORY.exec(s.memory_limit.trim());
  if (!mem) errors.memory_limit = 'Like 128Mi or 1Gi';
  else if (Number(mem[1]) * (mem[3] ? UNIT[mem[3]] : 1) < 16 * 2 ** 20) errors.memory_limit = 'At least 16Mi';
  if (!CPU.test(s.cpu_limit.trim()) || Number.parseFloat(s.cpu_limit) <= 0)
    errors.cpu_limit = 'Like 500m or 2';
  if (!LOG_LEVELS.includes(s.log_level)) errors.log_level = 'Pick a level';
  return errors;
}

/** Every setting's label, as the form names it. */
export const LABELS: Record<keyof SystemSettings, string> = {
  ...Object.fromEntries(Object.entries(RANGES).map(([k, r]) => [k, r.label])),
  memory_limit: 'Memory per run',
  cpu_limit: 'CPU per run',
  log_level: 'Log level',
  enable_tracing: 'Tracing on',
} as Record<keyof SystemSettings, string>;

export interface SettingChange {
  key: string;
  label: string;
  from: unknown;
  to: unknown;
}

/**
 * What one stored system-settings event changed: its payload carries the settings before (`previous`,
 * absent on the first change or a reset) and after (`settings`); only the settings that differ are listed.
 */
export function settingsChanges(payload: Record<string, unknown> | null | undefined): SettingChange[] {
  const after = (payload?.settings ?? {}) as Record<string, unknown>;
  const before = (payload?.previous ?? null) as Record<string, unknown> | null;
  return Object.keys(after)
    .filter((k) => !before || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({
      key: k,
      label: LABELS[k as keyof SystemSettings] ?? k,
      from: before ? before[k] : undefined,
      to: after[k],
    }));
}
