// Test data in the contract's shapes.
export const adminUser = {
  username: 'admin',
  email: 'admin@example.org',
  role: 'admin',
  is_active: true,
  user_id: 'a1',
  is_superuser: true,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  bypass_rate_limit: false,
  global_multiplier: 1,
  has_custom_limits: false,
};

export function userFixture(over: Record<string, unknown> = {}) {
  return {
    ...adminUser,
    username: 'alice',
    email: 'alice@example.org',
    role: 'user',
    user_id: 'u-alice',
    is_superuser: false,
    ...over,
  };
}

export function runFixture(over: Record<string, unknown> = {}) {
  return {
    execution_id: 'ex-1111-2222',
    script: 'print(1)',
    status: 'completed',
    lang: 'python',
    lang_version: '3.12',
    stdout: '1\n',
    stderr: null,
    exit_code: 0,
    error_type: null,
    priority: 'normal',
    user_id: 'u-alice',
    created_at: '2026-03-01T10:15:00Z',
    updated_at: '2026-03-01T10:15:01Z',
    ...over,
  };
}

export const settingsFixture = {
  max_timeout_seconds: 300,
  memory_limit: '128Mi',
  cpu_limit: '1000m',
  max_concurrent_executions: 10,
  password_min_length: 8,
  session_timeout_minutes: 60,
  max_login_attempts: 5,
  lockout_duration_minutes: 15,
  metrics_retention_days: 30,
  log_level: 'INFO',
  enable_tracing: true,
  sampling_rate: 0.1,
};
