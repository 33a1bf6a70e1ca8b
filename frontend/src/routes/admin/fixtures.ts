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

/** A processor as GET /admin/projections lists it (docs/api/openapi.json, ProcessorView). */
export function processorFixture(over: Record<string, unknown> = {}) {
  return {
    name: 'executions',
    kind: 'projection',
    processor_type: 'pooled_streaming',
    state: 'caught_up',
    error: null,
    replayable: true,
    position: 14,
    lag: 0,
    head: 14,
    dead_letters: 0,
    segments: [
      { segment: 0, owner: '1@vm', position: 14, lag: 0, caught_up: true, replaying: false, error: null },
    ],
    replay: null,
    ...over,
  };
}

/** A parked event as GET /dlq/messages lists it (docs/api/openapi.json, DeadLetterView). */
export function deadLetterFixture(over: Record<string, unknown> = {}) {
  return {
    id: 'executions:ex-1',
    processor: 'executions',
    sequence_id: 'ex-1',
    position_in_sequence: 0,
    event_id: 'ev-1',
    event_type: 'execution_completed',
    aggregate_type: 'Execution',
    aggregate_id: 'ex-1',
    sequence_number: 5,
    event_timestamp: '2026-03-01T10:00:03Z',
    error_type: 'java.lang.IllegalStateException',
    error_message: 'boom',
    attempts: 3,
    enqueued_at: '2026-03-01T10:00:04Z',
    last_touched: '2026-03-01T10:05:00Z',
    payload: { execution_id: 'ex-1' },
    metadata: { user_id: 'u-alice' },
    ...over,
  };
}
