// Checks the hand-written wire types against the contract. Each manifest below is tied to its
// TypeScript type by `satisfies` (svelte-check in the build fails when a key is missing or extra), and
// this test compares the same manifest with the schema in openapi.json — so type ⇔ manifest ⇔ contract.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as T from './types';

type Req = 'required' | 'optional';
type Manifest<X> = { [K in keyof Required<X>]: Req };

function findContract(): string | null {
  if (process.env.SANDPOD_CONTRACT) return process.env.SANDPOD_CONTRACT;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, 'shared/contract/openapi.json'), join(dir, 'contract/openapi.json')]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = resolve(dir, '..');
  }
  return null;
}

const contractPath = findContract();
const contract = contractPath ? JSON.parse(readFileSync(contractPath, 'utf8')) : null;
if (!contract) console.warn('shared/contract/openapi.json not found: contract checks skipped');
const schemas: Record<
  string,
  { properties?: Record<string, unknown>; required?: string[]; enum?: string[] }
> = contract?.components?.schemas ?? {};

const manifests: Record<string, [Record<string, Req>, string[]?]> = {
  ErrorResponse: [{ detail: 'required', type: 'required' } satisfies Manifest<T.ErrorResponse>],
  ValidationError: [
    { loc: 'required', msg: 'required', type: 'required' } satisfies Manifest<T.ValidationError>,
  ],
  HTTPValidationError: [{ detail: 'optional' } satisfies Manifest<T.HTTPValidationError>],
  LoginResponse: [
    {
      message: 'required',
      username: 'required',
      role: 'required',
      csrf_token: 'required',
    } satisfies Manifest<T.LoginResponse>,
  ],
  UserCreate: [
    {
      username: 'required',
      email: 'required',
      password: 'required',
      role: 'optional',
      is_active: 'optional',
    } satisfies Manifest<T.UserCreate>,
  ],
  UserResponse: [
    {
      username: 'required',
      email: 'required',
      role: 'required',
      is_active: 'required',
      user_id: 'required',
      is_superuser: 'required',
      created_at: 'required',
      updated_at: 'required',
      bypass_rate_limit: 'required',
      global_multiplier: 'required',
      has_custom_limits: 'required',
    } satisfies Manifest<T.UserResponse>,
  ],
  MessageResponse: [{ message: 'required' } satisfies Manifest<T.MessageResponse>],
  ExecutionRequest: [
    { script: 'required', lang: 'optional', lang_version: 'optional' } satisfies Manifest<T.ExecutionRequest>,
  ],
  ExecutionResponse: [
    { execution_id: 'required', status: 'required' } satisfies Manifest<T.ExecutionResponse>,
  ],
  ResourceUsage: [
    {
      execution_time_wall_seconds: 'required',
      cpu_time_jiffies: 'required',
      clk_tck_hertz: 'required',
      peak_memory_kb: 'required',
    } satisfies Manifest<T.ResourceUsage>,
  ],
  ExecutionResult: [
    {
      execution_id: 'required',
      status: 'required',
      stdout: 'required',
      stderr: 'required',
      lang: 'required',
      lang_version: 'required',
      resource_usage: 'required',
      exit_code: 'required',
      error_type: 'required',
      priority: 'required',
      created_at: 'optional',
      updated_at: 'optional',
      stdout_truncated: 'optional',
      stderr_truncated: 'optional',
    } satisfies Manifest<T.ExecutionResult>,
    // Stream frame additions, not (yet) in the contract.
    ['created_at', 'updated_at', 'stdout_truncated', 'stderr_truncated'],
  ],
  CancelExecutionRequest: [{ reason: 'optional' } satisfies Manifest<T.CancelExecutionRequest>],
  CancelResponse: [
    {
      execution_id: 'required',
      status: 'required',
      message: 'required',
      event_id: 'required',
    } satisfies Manifest<T.CancelResponse>,
  ],
  ExecutionListResponse: [
    {
      executions: 'required',
      total: 'required',
      limit: 'required',
      skip: 'required',
      has_more: 'required',
    } satisfies Manifest<T.ExecutionListResponse>,
  ],
  ExampleScripts: [{ scripts: 'required' } satisfies Manifest<T.ExampleScripts>],
  LanguageInfo: [{ versions: 'required', file_ext: 'required' } satisfies Manifest<T.LanguageInfo>],
  ResourceLimits: [
    {
      cpu_limit: 'required',
      memory_limit: 'required',
      cpu_request: 'required',
      memory_request: 'required',
      execution_timeout: 'required',
      supported_runtimes: 'required',
      runtimes: 'optional',
    } satisfies Manifest<T.ResourceLimits>,
    ['runtimes'],
  ],
  SavedScriptCreateRequest: [
    {
      name: 'required',
      script: 'required',
      lang: 'optional',
      lang_version: 'optional',
      description: 'optional',
    } satisfies Manifest<T.SavedScriptCreateRequest>,
  ],
  SavedScriptUpdate: [
    {
      name: 'optional',
      script: 'optional',
      lang: 'optional',
      lang_version: 'optional',
      description: 'optional',
      updated_at: 'optional',
    } satisfies Manifest<T.SavedScriptUpdate>,
  ],
  SavedScriptResponse: [
    {
      script_id: 'required',
      name: 'required',
      script: 'required',
      lang: 'required',
      lang_version: 'required',
      description: 'required',
      created_at: 'required',
      updated_at: 'required',
    } satisfies Manifest<T.SavedScriptResponse>,
  ],
  SavedScriptListResponse: [{ scripts: 'required' } satisfies Manifest<T.SavedScriptListResponse>],
  NotificationResponse: [
    {
      notification_id: 'required',
      channel: 'required',
      status: 'required',
      subject: 'required',
      body: 'required',
      action_url: 'required',
      created_at: 'required',
      read_at: 'required',
      severity: 'required',
      tags: 'required',
    } satisfies Manifest<T.NotificationResponse>,
  ],
  NotificationListResponse: [
    {
      notifications: 'required',
      total: 'required',
      unread_count: 'required',
    } satisfies Manifest<T.NotificationListResponse>,
  ],
  UnreadCountResponse: [{ unread_count: 'required' } satisfies Manifest<T.UnreadCountResponse>],
  DeleteNotificationResponse: [{ message: 'required' } satisfies Manifest<T.DeleteNotificationResponse>],
  'EditorSettings-Output': [
    {
      font_size: 'required',
      tab_size: 'required',
      use_tabs: 'required',
      word_wrap: 'required',
      show_line_numbers: 'required',
    } satisfies Manifest<T.EditorSettings>,
  ],
  'NotificationSettings-Output': [
    {
      execution_completed: 'required',
      execution_failed: 'required',
      system_updates: 'required',
      security_alerts: 'required',
      channels: 'required',
    } satisfies Manifest<T.NotificationSettings>,
  ],
  UserSettings: [
    {
      user_id: 'required',
      theme: 'required',
      timezone: 'required',
      date_format: 'required',
      time_format: 'required',
      notifications: 'required',
      editor: 'required',
      custom_settings: 'required',
      version: 'required',
      created_at: 'required',
      updated_at: 'required',
    } satisfies Manifest<T.UserSettings>,
  ],
  UserSettingsUpdate: [
    {
      theme: 'optional',
      timezone: 'optional',
      date_format: 'optional',
      time_format: 'optional',
      notifications: 'optional',
      editor: 'optional',
      custom_settings: 'optional',
    } satisfies Manifest<T.UserSettingsUpdate>,
  ],
  ThemeUpdateRequest: [{ theme: 'required' } satisfies Manifest<T.ThemeUpdateRequest>],
  SettingsHistoryEntry: [
    {
      timestamp: 'required',
      event_type: 'required',
      field: 'required',
      old_value: 'required',
      new_value: 'required',
      reason: 'required',
    } satisfies Manifest<T.SettingsHistoryEntry>,
  ],
  SettingsHistoryResponse: [
    { history: 'required', limit: 'required' } satisfies Manifest<T.SettingsHistoryResponse>,
  ],
  RestoreSettingsRequest: [
    { timestamp: 'required', reason: 'optional' } satisfies Manifest<T.RestoreSettingsRequest>,
  ],
  SSEExecutionEventSchema: [
    {
      event_type: 'required',
      execution_id: 'required',
      timestamp: 'required',
      event_id: 'required',
      status: 'required',
      result: 'required',
    } satisfies Manifest<T.SSEExecutionEvent>,
  ],
};

const enums: Record<string, string[]> = {
  UserRole: Object.keys({ user: 1, admin: 1, moderator: 1 } satisfies Record<T.UserRole, 1>),
  ExecutionStatus: Object.keys({
    queued: 1,
    scheduled: 1,
    running: 1,
    completed: 1,
    failed: 1,
    timeout: 1,
    cancelled: 1,
    error: 1,
  } satisfies Record<T.ExecutionStatus, 1>),
  ExecutionErrorType: Object.keys({
    system_error: 1,
    timeout: 1,
    resource_limit: 1,
    script_error: 1,
    permission_denied: 1,
  } satisfies Record<T.ExecutionErrorType, 1>),
  QueuePriority: Object.keys({
    critical: 1,
    high: 1,
    normal: 1,
    low: 1,
    background: 1,
  } satisfies Record<T.QueuePriority, 1>),
  Theme: Object.keys({ light: 1, dark: 1, auto: 1 } satisfies Record<T.Theme, 1>),
  NotificationChannel: Object.keys({ in_app: 1, webhook: 1, slack: 1 } satisfies Record<
    T.NotificationChannel,
    1
  >),
  NotificationStatus: Object.keys({
    pending: 1,
    queued: 1,
    sending: 1,
    delivered: 1,
    failed: 1,
    skipped: 1,
    read: 1,
    clicked: 1,
  } satisfies Record<T.NotificationStatus, 1>),
  NotificationSeverity: Object.keys({
    low: 1,
    medium: 1,
    high: 1,
    urgent: 1,
  } satisfies Record<T.NotificationSeverity, 1>),
  CancelStatus: Object.keys({
    already_cancelled: 1,
    cancellation_requested: 1,
  } satisfies Record<T.CancelStatus, 1>),
};

const paths: [string, string][] = [
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/register'],
  ['get', '/api/v1/auth/me'],
  ['post', '/api/v1/auth/logout'],
  ['post', '/api/v1/execute'],
  ['get', '/api/v1/executions/{execution_id}/result'],
  ['post', '/api/v1/executions/{execution_id}/cancel'],
  ['get', '/api/v1/user/executions'],
  ['get', '/api/v1/example-scripts'],
  ['get', '/api/v1/k8s-limits'],
  ['get', '/api/v1/scripts'],
  ['post', '/api/v1/scripts'],
  ['get', '/api/v1/scripts/{script_id}'],
  ['put', '/api/v1/scripts/{script_id}'],
  ['delete', '/api/v1/scripts/{script_id}'],
  ['get', '/api/v1/events/executions/{execution_id}'],
  ['get', '/api/v1/events/notifications/stream'],
  ['get', '/api/v1/notifications'],
  ['get', '/api/v1/notifications/unread-count'],
  ['put', '/api/v1/notifications/{notification_id}/read'],
  ['post', '/api/v1/notifications/mark-all-read'],
  ['delete', '/api/v1/notifications/{notification_id}'],
  ['get', '/api/v1/user/settings/'],
  ['put', '/api/v1/user/settings/'],
  ['put', '/api/v1/user/settings/theme'],
  ['put', '/api/v1/user/settings/editor'],
  ['put', '/api/v1/user/settings/notifications'],
  ['get', '/api/v1/user/settings/history'],
  ['post', '/api/v1/user/settings/restore'],
];

describe.skipIf(!contract)('wire types match shared/contract/openapi.json', () => {
  it.each(Object.entries(manifests))('%s has the contract’s fields', (name, [manifest, extras = []]) => {
    const schema = schemas[name];
    expect(schema, `schema ${name} in the contract`).toBeDefined();
    const contractFields = Object.keys(schema.properties ?? {}).sort();
    const ours = Object.keys(manifest)
      .filter((k) => !extras.includes(k))
      .sort();
    expect(ours).toEqual(contractFields);
    const required = new Set(schema.required ?? []);
    for (const field of ours) {
      expect(`${field}:${manifest[field]}`).toBe(`${field}:${required.has(field) ? 'required' : 'optional'}`);
    }
  });

  it.each(Object.entries(enums))('enum %s has the contract’s values', (name, values) => {
    expect([...values].sort()).toEqual([...(schemas[name]?.enum ?? [])].sort());
  });

  it.each(paths)('%s %s exists in the contract', (method, path) => {
    expect(contract.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });

  it('login is form-urlencoded with username and password', () => {
    const body = contract.paths['/api/v1/auth/login'].post.requestBody.content;
    expect(Object.keys(body)).toEqual(['application/x-www-form-urlencoded']);
    const ref = body['application/x-www-form-urlencoded'].schema.$ref.split('/').pop();
    expect(schemas[ref].required).toEqual(['username', 'password']);
  });
});
