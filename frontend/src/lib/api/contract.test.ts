// Checks the hand-written wire types against Sandpod's own API document, docs/api/openapi.json (the
// document the server generates from its code and serves at /openapi.json; the app's ApiDocumentTest
// keeps the committed file equal to it). Each manifest below is tied to its TypeScript type by
// `satisfies` (svelte-check in the build fails when a key is missing or extra), and this test compares
// the same manifest with the document's schema — so type ⇔ manifest ⇔ document.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as T from './types';

type Req = 'required' | 'optional';
type Manifest<X> = { [K in keyof Required<X>]: Req };
type Schema = {
  properties?: Record<string, unknown>;
  required?: string[];
  enum?: string[];
  $ref?: string;
};

// the repository's docs/api/, from src/lib/api/ (the frontend's own folder is three levels up)
const documentPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/api/openapi.json');
const document = JSON.parse(readFileSync(documentPath, 'utf8'));
const schemas: Record<string, Schema> = document.components.schemas;

/**
 * How a type relates to its schema. `request`: the SPA sends it, so every field the server requires is
 * required in the type; otherwise the SPA reads it, so every field the type requires is one the server
 * always sends. `spaOnly`: fields of the type the document does not have (tolerances of the SPA).
 * `part`: the type describes one kind of the schema's values (its fields are the schema's, not all of them).
 */
type Options = { request?: boolean; spaOnly?: string[]; part?: boolean };
type Entry = [schema: string, manifest: Record<string, Req>, options?: Options];

const manifests: Record<string, Entry> = {
  ErrorResponse: [
    'ErrorResponse',
    { detail: 'required', type: 'required' } satisfies Manifest<T.ErrorResponse>,
  ],
  ValidationError: [
    'ValidationError',
    { loc: 'required', msg: 'required', type: 'required' } satisfies Manifest<T.ValidationError>,
  ],
  HTTPValidationError: [
    'HTTPValidationError',
    { detail: 'required', type: 'required' } satisfies Manifest<T.HTTPValidationError>,
  ],
  LoginResponse: [
    'LoginResponse',
    {
      message: 'required',
      username: 'required',
      role: 'required',
      csrf_token: 'required',
    } satisfies Manifest<T.LoginResponse>,
  ],
  UserCreate: [
    'UserCreate',
    {
      username: 'required',
      email: 'required',
      password: 'required',
      role: 'optional',
      is_active: 'optional',
    } satisfies Manifest<T.UserCreate>,
    { request: true },
  ],
  UserResponse: [
    'UserResponse',
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
  MessageResponse: ['MessageResponse', { message: 'required' } satisfies Manifest<T.MessageResponse>],
  ExecutionRequest: [
    'ExecutionRequest',
    {
      script: 'required',
      lang: 'optional',
      lang_version: 'optional',
      stdin: 'optional',
      args: 'optional',
      files: 'optional',
      expected_output: 'optional',
    } satisfies Manifest<T.ExecutionRequest>,
    { request: true },
  ],
  ExecutionResponse: [
    'ExecutionResponse',
    { execution_id: 'required', status: 'required' } satisfies Manifest<T.ExecutionResponse>,
  ],
  ResourceUsage: [
    'ResourceUsage',
    {
      execution_time_wall_seconds: 'required',
      cpu_time_jiffies: 'required',
      clk_tck_hertz: 'required',
      peak_memory_kb: 'required',
    } satisfies Manifest<T.ResourceUsage>,
  ],
  ExecutionResult: [
    'ExecutionResult',
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
      trace_id: 'optional',
      output_match: 'optional',
    } satisfies Manifest<T.ExecutionResult>,
  ],
  CancelExecutionRequest: [
    'CancelExecutionRequest',
    { reason: 'optional' } satisfies Manifest<T.CancelExecutionRequest>,
    { request: true },
  ],
  CancelResponse: [
    'CancelResponse',
    {
      execution_id: 'required',
      status: 'required',
      message: 'required',
      event_id: 'required',
    } satisfies Manifest<T.CancelResponse>,
  ],
  ExecutionListResponse: [
    'ExecutionListResponse',
    {
      executions: 'required',
      total: 'required',
      limit: 'required',
      skip: 'required',
      has_more: 'required',
    } satisfies Manifest<T.ExecutionListResponse>,
  ],
  ExampleScripts: ['ExampleScripts', { scripts: 'required' } satisfies Manifest<T.ExampleScripts>],
  LanguageInfo: [
    'LanguageInfo',
    { versions: 'required', file_ext: 'required' } satisfies Manifest<T.LanguageInfo>,
  ],
  ResourceLimits: [
    'ResourceLimits',
    {
      cpu_limit: 'required',
      memory_limit: 'required',
      cpu_request: 'required',
      memory_request: 'required',
      execution_timeout: 'required',
      supported_runtimes: 'required',
      runner: 'optional',
      runtimes: 'optional',
    } satisfies Manifest<T.ResourceLimits>,
    { spaOnly: ['runtimes'] },
  ],
  SavedScriptCreateRequest: [
    'SavedScriptCreateRequest',
    {
      name: 'required',
      script: 'required',
      lang: 'optional',
      lang_version: 'optional',
      description: 'optional',
    } satisfies Manifest<T.SavedScriptCreateRequest>,
    { request: true },
  ],
  SavedScriptUpdate: [
    'SavedScriptUpdate',
    {
      name: 'optional',
      script: 'optional',
      lang: 'optional',
      lang_version: 'optional',
      description: 'optional',
      updated_at: 'optional',
    } satisfies Manifest<T.SavedScriptUpdate>,
    // accepted and ignored by the server (x-sandpod-ignored)
    { request: true, spaOnly: ['updated_at'] },
  ],
  SavedScriptResponse: [
    'SavedScriptResponse',
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
  SavedScriptListResponse: [
    'SavedScriptListResponse',
    { scripts: 'required' } satisfies Manifest<T.SavedScriptListResponse>,
  ],
  NotificationResponse: [
    'NotificationResponse',
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
    'NotificationListResponse',
    {
      notifications: 'required',
      total: 'required',
      unread_count: 'required',
    } satisfies Manifest<T.NotificationListResponse>,
  ],
  UnreadCountResponse: [
    'UnreadCountResponse',
    { unread_count: 'required' } satisfies Manifest<T.UnreadCountResponse>,
  ],
  DeleteNotificationResponse: [
    'DeleteNotificationResponse',
    { message: 'required' } satisfies Manifest<T.DeleteNotificationResponse>,
  ],
  EditorSettings: [
    'EditorSettings',
    {
      font_size: 'required',
      tab_size: 'required',
      use_tabs: 'required',
      word_wrap: 'required',
      show_line_numbers: 'required',
    } satisfies Manifest<T.EditorSettings>,
  ],
  NotificationSettings: [
    'NotificationSettings',
    {
      execution_completed: 'required',
      execution_failed: 'required',
      system_updates: 'required',
      security_alerts: 'required',
      channels: 'required',
    } satisfies Manifest<T.NotificationSettings>,
  ],
  UserSettings: [
    'UserSettings',
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
    'UserSettingsUpdate',
    {
      theme: 'optional',
      timezone: 'optional',
      date_format: 'optional',
      time_format: 'optional',
      notifications: 'optional',
      editor: 'optional',
      custom_settings: 'optional',
    } satisfies Manifest<T.UserSettingsUpdate>,
    { request: true },
  ],
  ThemeUpdateRequest: [
    'ThemeUpdateRequest',
    { theme: 'required' } satisfies Manifest<T.ThemeUpdateRequest>,
    { request: true },
  ],
  SettingsHistoryEntry: [
    'SettingsHistoryEntry',
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
    'SettingsHistoryResponse',
    { history: 'required', limit: 'required' } satisfies Manifest<T.SettingsHistoryResponse>,
  ],
  RestoreSettingsRequest: [
    'RestoreSettingsRequest',
    { timestamp: 'required', reason: 'optional' } satisfies Manifest<T.RestoreSettingsRequest>,
    { request: true },
  ],
  SSEExecutionEvent: [
    'SSEExecutionEventSchema',
    {
      event_type: 'required',
      execution_id: 'required',
      timestamp: 'required',
      event_id: 'required',
      status: 'required',
      result: 'required',
    } satisfies Manifest<T.SSEExecutionEvent>,
    // the lifecycle frames; output frames are SSEOutputFrame
    { part: true },
  ],
  SSEOutputFrame: [
    'SSEExecutionEventSchema',
    {
      event_type: 'required',
      execution_id: 'optional',
      event_id: 'optional',
      stream: 'required',
      data: 'required',
    } satisfies Manifest<T.SSEOutputFrame>,
    { part: true },
  ],
  // Sandpod's additions the admin area reads: audit, processors, dead letters; and sagas and the event browser.
  AuditEventPage: [
    'EventPage',
    {
      aggregate_type: 'required',
      aggregate_id: 'required',
      events: 'required',
      total: 'required',
      skip: 'required',
      limit: 'required',
    } satisfies Manifest<T.AuditEventPage>,
  ],
  AuditStateAt: [
    'StateAt',
    {
      aggregate_type: 'required',
      aggregate_id: 'required',
      at: 'required',
      sequence_number: 'required',
      last_event_type: 'required',
      last_event_timestamp: 'required',
      state: 'required',
    } satisfies Manifest<T.AuditStateAt>,
  ],
  ProcessorView: [
    'ProcessorView',
    {
      name: 'required',
      kind: 'required',
      processor_type: 'required',
      state: 'required',
      error: 'required',
      replayable: 'required',
      position: 'required',
      lag: 'required',
      head: 'required',
      dead_letters: 'required',
      segments: 'required',
      replay: 'required',
    } satisfies Manifest<T.ProcessorView>,
  ],
  ReplayView: [
    'ReplayView',
    {
      status: 'required',
      started_at: 'required',
      finished_at: 'required',
      position: 'required',
      target: 'required',
      progress_percent: 'required',
      events_per_second: 'required',
      eta_seconds: 'required',
    } satisfies Manifest<T.ReplayView>,
  ],
  SegmentView: [
    'SegmentView',
    {
      segment: 'required',
      owner: 'required',
      position: 'required',
      lag: 'required',
      caught_up: 'required',
      replaying: 'required',
      error: 'required',
    } satisfies Manifest<T.SegmentView>,
  ],
  ProjectionListResponse: [
    'ProjectionListResponse',
    {
      processors: 'required',
      replaying: 'required',
      total: 'required',
    } satisfies Manifest<T.ProjectionListResponse>,
  ],
  DeadLetterView: [
    'DeadLetterView',
    {
      id: 'required',
      processor: 'required',
      sequence_id: 'required',
      position_in_sequence: 'required',
      event_id: 'required',
      event_type: 'required',
      aggregate_type: 'required',
      aggregate_id: 'required',
      sequence_number: 'required',
      event_timestamp: 'required',
      error_type: 'required',
      error_message: 'required',
      attempts: 'required',
      enqueued_at: 'required',
      last_touched: 'required',
      payload: 'required',
      metadata: 'required',
    } satisfies Manifest<T.DeadLetterView>,
  ],
  DeadLetterListResponse: [
    'DeadLetterListResponse',
    {
      messages: 'required',
      total: 'required',
      limit: 'required',
      offset: 'required',
      has_more: 'required',
    } satisfies Manifest<T.DeadLetterListResponse>,
  ],
  RetryOutcome: [
    'RetryOutcome',
    {
      id: 'required',
      processor: 'required',
      succeeded: 'required',
      remaining_in_processor: 'required',
    } satisfies Manifest<T.RetryOutcome>,
  ],
  DeadLetterRetryResponse: [
    'RetryResponse',
    {
      retried: 'required',
      succeeded: 'required',
      failed: 'required',
      outcomes: 'required',
    } satisfies Manifest<T.DeadLetterRetryResponse>,
  ],
  DeadLetterDiscardRequest: [
    'DiscardRequest',
    { reason: 'optional' } satisfies Manifest<T.DeadLetterDiscardRequest>,
    { request: true },
  ],
  DeadLetterDiscardResponse: [
    'DiscardResponse',
    {
      id: 'required',
      discarded: 'required',
      reason: 'required',
      message: 'required',
    } satisfies Manifest<T.DeadLetterDiscardResponse>,
  ],
  SagaStatusResponse: [
    'SagaStatusResponse',
    {
      saga_id: 'required',
      saga_name: 'required',
      execution_id: 'required',
      state: 'required',
      current_step: 'required',
      completed_steps: 'required',
      compensated_steps: 'required',
      error_message: 'required',
      created_at: 'required',
      updated_at: 'required',
      completed_at: 'required',
      retry_count: 'required',
    } satisfies Manifest<T.SagaStatusResponse>,
  ],
  SagaListResponse: [
    'SagaListResponse',
    {
      sagas: 'required',
      total: 'required',
      skip: 'required',
      limit: 'required',
      has_more: 'required',
    } satisfies Manifest<T.SagaListResponse>,
  ],
  SagaCancellationResponse: [
    'SagaCancellationResponse',
    {
      success: 'required',
      message: 'required',
      saga_id: 'required',
    } satisfies Manifest<T.SagaCancellationResponse>,
  ],
  EventBrowseRequest: [
    'EventBrowseRequest',
    { filters: 'required', skip: 'optional', limit: 'optional' } satisfies Manifest<T.EventBrowseRequest>,
    { request: true },
  ],
  EventFilter: [
    'EventFilter',
    {
      event_types: 'optional',
      aggregate_id: 'optional',
      correlation_id: 'optional',
      user_id: 'optional',
      start_time: 'optional',
      end_time: 'optional',
      service_name: 'optional',
      search_text: 'optional',
    } satisfies Manifest<T.EventFilter>,
    { request: true },
  ],
  EventBrowseResponse: [
    'EventBrowseResponse',
    {
      events: 'required',
      total: 'required',
      skip: 'required',
      limit: 'required',
    } satisfies Manifest<T.EventBrowseResponse>,
  ],
  EventDetailResponse: [
    'EventDetailResponse',
    {
      event: 'required',
      related_events: 'required',
      timeline: 'required',
    } satisfies Manifest<T.EventDetailResponse>,
  ],
  EventSummary: [
    'EventSummary',
    {
      event_id: 'required',
      event_type: 'required',
      timestamp: 'required',
      aggregate_id: 'optional',
    } satisfies Manifest<T.EventSummary>,
  ],
  EventStatsResponse: [
    'EventStatsResponse',
    {
      total_events: 'required',
      events_by_type: 'required',
      events_by_hour: 'required',
      top_users: 'required',
      error_rate: 'required',
      avg_processing_time: 'required',
    } satisfies Manifest<T.EventStatsResponse>,
  ],
  EventTypeCount: [
    'EventTypeCount',
    { event_type: 'required', count: 'required' } satisfies Manifest<T.EventTypeCount>,
  ],
  HourlyEventCount: [
    'HourlyEventCount',
    { hour: 'required', count: 'required' } satisfies Manifest<T.HourlyEventCount>,
  ],
  UserEventCount: [
    'UserEventCount',
    { user_id: 'required', event_count: 'required' } satisfies Manifest<T.UserEventCount>,
  ],
  EventDeleteResponse: [
    'EventDeleteResponse',
    { message: 'required', event_id: 'required' } satisfies Manifest<T.EventDeleteResponse>,
  ],
};

/** Enumerations, by schema name (or `Schema.field` for one declared on its field). */
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
  'SagaStatusResponse.state': Object.keys({
    created: 1,
    running: 1,
    compensating: 1,
    completed: 1,
    failed: 1,
    timeout: 1,
    cancelled: 1,
  } satisfies Record<T.SagaState, 1>),
  'CancelResponse.status': Object.keys({
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
  // the admin area (src/lib/api/admin.ts)
  ['get', '/api/v1/audit/aggregates/{type}/{id}/events'],
  ['get', '/api/v1/audit/aggregates/{type}/{id}/state'],
  ['get', '/api/v1/admin/projections'],
  ['get', '/api/v1/admin/projections/{name}'],
  ['post', '/api/v1/admin/projections/{name}/replay'],
  ['post', '/api/v1/admin/projections/{name}/pause'],
  ['post', '/api/v1/admin/projections/{name}/resume'],
  ['get', '/api/v1/admin/projections/stream'],
  ['get', '/api/v1/dlq/messages'],
  ['get', '/api/v1/dlq/messages/{id}'],
  ['post', '/api/v1/dlq/messages/{id}/retry'],
  ['post', '/api/v1/dlq/messages/{id}/discard'],
  ['get', '/api/v1/sagas/'],
  ['get', '/api/v1/sagas/{saga_id}'],
  ['post', '/api/v1/sagas/{saga_id}/cancel'],
  ['post', '/api/v1/admin/events/browse'],
  ['get', '/api/v1/admin/events/stats'],
  ['get', '/api/v1/admin/events/{event_id}'],
  ['delete', '/api/v1/admin/events/{event_id}'],
  ['get', '/api/v1/admin/events/export/{format}'],
];

function deref(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && s?.$ref; i++) s = schemas[s.$ref.split('/').pop() as string];
  return s;
}

function enumValues(name: string): string[] {
  const [schema, field] = name.split('.');
  const found = field ? (schemas[schema]?.properties?.[field] as Schema) : schemas[schema];
  return deref(found)?.enum ?? [];
}

/** A manifest against a document's schemas (see `Options`). */
function checkManifest(
  from: Record<string, Schema>,
  [name, manifest, { request = false, spaOnly = [], part = false } = {}]: Entry,
) {
  const schema = from[name];
  expect(schema, `schema ${name} in the document`).toBeDefined();
  const fields = Object.keys(schema.properties ?? {}).sort();
  const ours = Object.keys(manifest)
    .filter((k) => !spaOnly.includes(k))
    .sort();
  if (part) expect(fields).toEqual(expect.arrayContaining(ours));
  else expect(ours).toEqual(fields);
  if (part) return;
  const required = new Set(schema.required ?? []);
  for (const field of ours) {
    // what the SPA sends must include what the server requires; what it reads as always there must be
    if (request && required.has(field)) expect(`${field}:${manifest[field]}`).toBe(`${field}:required`);
    if (!request && manifest[field] === 'required')
      expect(`${field}:${required.has(field) ? 'required' : 'optional'}`).toBe(`${field}:required`);
  }
}

/** The SPA calls some collection paths with a trailing slash; the document lists each path once, without. */
const documented = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path);

describe('wire types match the API document (docs/api/openapi.json)', () => {
  it.each(Object.entries(manifests))('%s has the document’s fields', (_, entry) =>
    checkManifest(schemas, entry),
  );

  it.each(Object.entries(enums))('enum %s has the document’s values', (name, values) => {
    expect([...values].sort()).toEqual([...enumValues(name)].sort());
  });

  it.each(paths)('%s %s exists in the document', (method, path) => {
    expect(document.paths[documented(path)]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });

  it.each([
    ['get', '/api/v1/audit/aggregates/{type}/{id}/events', ['skip', 'limit']],
    ['get', '/api/v1/audit/aggregates/{type}/{id}/state', ['at']],
    [
      'get',
      '/api/v1/dlq/messages',
      ['processor', 'event_type', 'min_age_seconds', 'max_age_seconds', 'limit', 'offset'],
    ],
    ['get', '/api/v1/sagas', ['state', 'execution_id', 'limit', 'skip']],
  ])('%s %s takes the query parameters the SPA sends', (method, path, names) => {
    const params: { name: string; in: string }[] = document.paths[path][method].parameters ?? [];
    const query = params.filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(expect.arrayContaining(names));
  });

  it('login is form-urlencoded with username and password', () => {
    const body = document.paths['/api/v1/auth/login'].post.requestBody.content;
    expect(Object.keys(body)).toEqual(['application/x-www-form-urlencoded']);
    const form = deref(body['application/x-www-form-urlencoded'].schema);
    expect([...(form.required ?? [])].sort()).toEqual(['password', 'username']);
  });
});

// The replay sessions page is written against the reference contract's /replay/* shapes while the server's
// replay endpoints are being built (ApiDocumentTest will hold openapi.json to the same contract once they
// are served), so its types are checked against the contract as committed in docs/api/reference-contract.json.
const contract = JSON.parse(readFileSync(resolve(dirname(documentPath), 'reference-contract.json'), 'utf8'));
const contractSchemas: Record<string, Schema> = contract.components.schemas;

const replayManifests: Record<string, Entry> = {
  ReplayRequest: [
    'ReplayRequest',
    {
      replay_type: 'required',
      target: 'optional',
      filter: 'optional',
      speed_multiplier: 'optional',
      preserve_timestamps: 'optional',
      batch_size: 'optional',
      max_events: 'optional',
      skip_errors: 'optional',
      target_file_path: 'optional',
      target_topics: 'optional',
      retry_failed: 'optional',
      retry_attempts: 'optional',
      enable_progress_tracking: 'optional',
    } satisfies Manifest<T.ReplayRequest>,
    { request: true },
  ],
  ReplayFilter: [
    'ReplayFilter',
    {
      event_ids: 'optional',
      execution_id: 'optional',
      aggregate_id: 'optional',
      event_types: 'optional',
      exclude_event_types: 'optional',
      start_time: 'optional',
      end_time: 'optional',
      user_id: 'optional',
      service_name: 'optional',
    } satisfies Manifest<T.ReplayFilter>,
    { request: true },
  ],
  ReplayResponse: [
    'ReplayResponse',
    { session_id: 'required', status: 'required', message: 'required' } satisfies Manifest<T.ReplayResponse>,
  ],
  SessionSummary: [
    'SessionSummary',
    {
      session_id: 'required',
      config: 'required',
      status: 'required',
      total_events: 'required',
      replayed_events: 'required',
      failed_events: 'required',
      skipped_events: 'required',
      created_at: 'required',
      started_at: 'required',
      completed_at: 'required',
      duration_seconds: 'required',
    } satisfies Manifest<T.SessionSummary>,
  ],
  ReplaySession: [
    'ReplaySession',
    {
      session_id: 'required',
      config: 'required',
      status: 'required',
      total_events: 'required',
      replayed_events: 'required',
      failed_events: 'required',
      skipped_events: 'required',
      created_at: 'required',
      started_at: 'required',
      completed_at: 'required',
      last_event_at: 'required',
      errors: 'required',
    } satisfies Manifest<T.ReplaySession>,
  ],
  ReplayError: [
    'ReplayError',
    {
      timestamp: 'required',
      error: 'required',
      error_type: 'optional',
      event_id: 'optional',
    } satisfies Manifest<T.ReplayError>,
  ],
  EventReplayRequest: [
    'EventReplayRequest',
    {
      event_ids: 'optional',
      aggregate_id: 'optional',
      start_time: 'optional',
      end_time: 'optional',
      target_service: 'optional',
      dry_run: 'optional',
    } satisfies Manifest<T.EventReplayRequest>,
    { request: true },
  ],
  EventReplayResponse: [
    'EventReplayResponse',
    {
      dry_run: 'required',
      total_events: 'required',
      replay_id: 'required',
      session_id: 'required',
      status: 'required',
      events_preview: 'required',
    } satisfies Manifest<T.EventReplayResponse>,
  ],
};

describe('replay types match the reference contract (docs/api/reference-contract.json)', () => {
  it.each(Object.entries(replayManifests))('%s has the contract’s fields', (_, entry) =>
    checkManifest(contractSchemas, entry),
  );

  it.each([
    [
      'ReplayType',
      Object.keys({ execution: 1, time_range: 1, event_type: 1, query: 1, recovery: 1 } satisfies Record<
        T.ReplayType,
        1
      >),
    ],
    [
      'ReplayTarget',
      Object.keys({ kafka: 1, callback: 1, file: 1, test: 1 } satisfies Record<T.ReplayTarget, 1>),
    ],
    [
      'ReplayStatus',
      Object.keys({
        preview: 1,
        scheduled: 1,
        created: 1,
        running: 1,
        paused: 1,
        completed: 1,
        failed: 1,
        cancelled: 1,
      } satisfies Record<T.ReplayStatus, 1>),
    ],
  ])('enum %s has the contract’s values', (name, values) => {
    expect([...values].sort()).toEqual([...(contractSchemas[name].enum ?? [])].sort());
  });

  it.each([
    ['post', '/api/v1/replay/sessions'],
    ['get', '/api/v1/replay/sessions'],
    ['get', '/api/v1/replay/sessions/{session_id}'],
    ['post', '/api/v1/replay/sessions/{session_id}/start'],
    ['post', '/api/v1/replay/sessions/{session_id}/pause'],
    ['post', '/api/v1/replay/sessions/{session_id}/resume'],
    ['post', '/api/v1/replay/sessions/{session_id}/cancel'],
    ['post', '/api/v1/admin/events/replay'],
  ])('%s %s exists in the contract', (method, path) => {
    expect(contract.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });

  it('lists sessions as a bare array of summaries', () => {
    const ok =
      contract.paths['/api/v1/replay/sessions'].get.responses['200'].content['application/json'].schema;
    expect(ok.type).toBe('array');
    expect(ok.items.$ref).toBe('#/components/schemas/SessionSummary');
  });
});
