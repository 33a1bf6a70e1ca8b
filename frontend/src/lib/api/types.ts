// Wire types of the API under /api/v1, as Sandpod's API document describes it (docs/api/openapi.json,
// served at /openapi.json; see frontend/README.md). Field names are the document's, letter for letter;
// src/lib/api/contract.test.ts checks every type below against its schema there, so a renamed or missing
// field fails the unit tests instead of a user's page.

export type UserRole = 'user' | 'admin' | 'moderator';
export type ExecutionStatus =
  'queued' | 'scheduled' | 'running' | 'completed' | 'failed' | 'timeout' | 'cancelled' | 'error';
export type ExecutionErrorType =
  'system_error' | 'timeout' | 'resource_limit' | 'script_error' | 'permission_denied';
export type QueuePriority = 'critical' | 'high' | 'normal' | 'low' | 'background';
export type Theme = 'light' | 'dark' | 'auto';
export type NotificationChannel = 'in_app' | 'webhook' | 'slack';
export type NotificationStatus =
  'pending' | 'queued' | 'sending' | 'delivered' | 'failed' | 'skipped' | 'read' | 'clicked';
export type NotificationSeverity = 'low' | 'medium' | 'high' | 'urgent';
export type CancelStatus = 'already_cancelled' | 'cancellation_requested';

export interface ErrorResponse {
  detail: string;
  type: string | null;
}

export interface ValidationError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** A 422: the violations, or a sentence when the input is refused as a whole (an unsupported runtime). */
export interface HTTPValidationError {
  detail: ValidationError[] | string;
  type: string;
}

export interface LoginResponse {
  message: string;
  username: string;
  role: UserRole;
  csrf_token: string;
}

export interface UserCreate {
  username: string;
  email: string;
  password: string;
  role?: UserRole;
  is_active?: boolean;
}

export interface UserResponse {
  username: string;
  email: string;
  role: UserRole;
  is_active: boolean;
  user_id: string;
  is_superuser: boolean;
  created_at: string;
  updated_at: string;
  bypass_rate_limit: boolean | null;
  global_multiplier: number | null;
  has_custom_limits: boolean | null;
}

export interface MessageResponse {
  message: string;
}

export interface ExecutionRequest {
  script: string;
  lang?: string;
  lang_version?: string;
  /** Additions for REST clients: fed to stdin, appended to the command, written beside the script. */
  stdin?: string;
  args?: string[];
  files?: { name: string; content: string }[];
  expected_output?: string;
}

export interface ExecutionResponse {
  execution_id: string;
  status: ExecutionStatus;
}

export interface ResourceUsage {
  execution_time_wall_seconds: number;
  cpu_time_jiffies: number;
  clk_tck_hertz: number;
  peak_memory_kb: number;
}

/** Timestamps and truncation flags are Sandpod's additions to the reference contract (optional here: older servers omit them). */
export interface ExecutionResult {
  execution_id: string;
  status: ExecutionStatus | null;
  stdout: string | null;
  stderr: string | null;
  lang: string;
  lang_version: string;
  resource_usage: ResourceUsage | null;
  exit_code: number | null;
  error_type: ExecutionErrorType | null;
  priority: QueuePriority;
  created_at?: string;
  updated_at?: string;
  stdout_truncated?: boolean;
  stderr_truncated?: boolean;
  /** The run's trace id, for support (null when the run was not traced). */
  trace_id?: string | null;
  /** With expected_output: whether stdout matched (exact, and ignoring trailing whitespace). */
  output_match?: { exact: boolean; trimmed: boolean } | null;
}

export interface CancelExecutionRequest {
  reason?: string;
}

export interface CancelResponse {
  execution_id: string;
  status: CancelStatus;
  message: string;
  event_id: string | null;
}

export interface ExecutionListResponse {
  executions: ExecutionResult[];
  total: number;
  limit: number;
  skip: number;
  has_more: boolean;
}

export interface ExampleScripts {
  scripts: Record<string, string>;
}

export interface LanguageInfo {
  versions: string[];
  file_ext: string;
}

/** Not in Sandpod's document: a server may list every configured runtime with why it cannot run. */
export interface RuntimeAvailability {
  lang: string;
  version: string;
  available: boolean;
  reason?: string | null;
}

export interface ResourceLimits {
  cpu_limit: string;
  memory_limit: string;
  cpu_request: string;
  memory_request: string;
  execution_timeout: number;
  supported_runtimes: Record<string, LanguageInfo>;
  /** Where runs happen: local or kubernetes. */
  runner?: string;
  runtimes?: RuntimeAvailability[];
}

export interface SavedScriptCreateRequest {
  name: string;
  script: string;
  lang?: string;
  lang_version?: string;
  description?: string | null;
}

export interface SavedScriptUpdate {
  name?: string | null;
  script?: string | null;
  lang?: string | null;
  lang_version?: string | null;
  description?: string | null;
  updated_at?: string;
}

export interface SavedScriptResponse {
  script_id: string;
  name: string;
  script: string;
  lang: string;
  lang_version: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface SavedScriptListResponse {
  scripts: SavedScriptResponse[];
}

export interface NotificationResponse {
  notification_id: string;
  channel: NotificationChannel;
  status: NotificationStatus;
  subject: string;
  body: string;
  action_url: string;
  created_at: string;
  read_at: string | null;
  severity: NotificationSeverity;
  tags: string[];
}

export interface NotificationListResponse {
  notifications: NotificationResponse[];
  total: number;
  unread_count: number;
}

export interface UnreadCountResponse {
  unread_count: number;
}

export interface DeleteNotificationResponse {
  message: string;
}

export interface EditorSettings {
  font_size: number;
  tab_size: number;
  use_tabs: boolean;
  word_wrap: boolean;
  show_line_numbers: boolean;
}

export interface NotificationSettings {
  execution_completed: boolean;
  execution_failed: boolean;
  system_updates: boolean;
  security_alerts: boolean;
  channels: NotificationChannel[];
}

export interface UserSettings {
  user_id: string;
  theme: Theme;
  timezone: string;
  date_format: string;
  time_format: string;
  notifications: NotificationSettings;
  editor: EditorSettings;
  custom_settings: Record<string, unknown>;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserSettingsUpdate {
  theme?: Theme | null;
  timezone?: string | null;
  date_format?: string | null;
  time_format?: string | null;
  notifications?: NotificationSettings | null;
  editor?: EditorSettings | null;
  custom_settings?: Record<string, unknown> | null;
}

export interface ThemeUpdateRequest {
  theme: Theme;
}

export interface SettingsHistoryEntry {
  timestamp: string;
  event_type: string;
  field: string;
  old_value: unknown;
  new_value: unknown;
  reason: string | null;
}

export interface SettingsHistoryResponse {
  history: SettingsHistoryEntry[];
  limit: number;
}

export interface RestoreSettingsRequest {
  timestamp: string;
  reason?: string | null;
}

/** One `data:` frame of GET /events/executions/{id}. */
export interface SSEExecutionEvent {
  event_type: string;
  execution_id: string;
  timestamp: string | null;
  event_id: string | null;
  status: ExecutionStatus | null;
  result: ExecutionResult | null;
}

/** Live output, sent while the run is going (bounded by the output caps), besides the lifecycle frames. */
export interface SSEOutputFrame {
  event_type: 'output';
  execution_id?: string;
  event_id?: string | null;
  stream: 'stdout' | 'stderr';
  data: string;
}

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
  'completed',
  'failed',
  'timeout',
  'cancelled',
  'error',
];

export function isTerminal(status: ExecutionStatus | null | undefined): boolean {
  return status != null && TERMINAL_STATUSES.includes(status);
}

// ---- Admin (the admin area's pages; loaded only in the admin chunks). ----

export type RateLimitAlgorithm = 'sliding_window' | 'token_bucket' | 'fixed_window' | 'leaky_bucket';
export type EndpointGroup = 'execution' | 'admin' | 'sse' | 'websocket' | 'auth' | 'public' | 'api';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export type SagaState =
  'created' | 'running' | 'compensating' | 'completed' | 'failed' | 'timeout' | 'cancelled';

export interface UserListResponse {
  users: UserResponse[];
  total: number;
  offset: number;
  limit: number;
}

export interface UserUpdate {
  username?: string | null;
  email?: string | null;
  role?: UserRole | null;
  is_active?: boolean | null;
  password?: string | null;
}

export interface DeleteUserResponse {
  user_deleted: boolean;
  executions: number;
  saved_scripts: number;
  notifications: number;
  user_settings: number;
  events: number;
  sagas: number;
}

export interface UnlockResponse {
  user_id: string;
  message: string;
}

export interface RateLimitRuleResponse {
  endpoint_pattern: string;
  group: EndpointGroup;
  requests: number;
  window_seconds: number;
  algorithm: RateLimitAlgorithm;
  burst_multiplier: number;
  priority: number;
  enabled: boolean;
}

export interface RateLimitRuleRequest {
  endpoint_pattern: string;
  group: EndpointGroup;
  requests: number;
  window_seconds: number;
  algorithm?: RateLimitAlgorithm;
  burst_multiplier?: number;
  priority?: number;
  enabled?: boolean;
}

export interface UserRateLimitConfigResponse {
  user_id: string;
  bypass_rate_limit: boolean;
  global_multiplier: number;
  rules: RateLimitRuleResponse[];
  created_at: string | null;
  updated_at: string | null;
  notes: string | null;
}

export interface EndpointUsageStats {
  algorithm: RateLimitAlgorithm;
  remaining: number;
}

export interface UserRateLimitsResponse {
  user_id: string;
  rate_limit_config: UserRateLimitConfigResponse | null;
  current_usage: Record<string, EndpointUsageStats>;
}

export interface RateLimitUpdateRequest {
  bypass_rate_limit?: boolean;
  global_multiplier?: number;
  rules?: RateLimitRuleRequest[];
  notes?: string | null;
}

export interface RateLimitUpdateResponse {
  user_id: string;
  updated: boolean;
  config: UserRateLimitConfigResponse;
}

export interface AdminExecutionResponse {
  execution_id: string;
  script: string;
  status: ExecutionStatus;
  lang: string;
  lang_version: string;
  stdout: string | null;
  stderr: string | null;
  exit_code: number | null;
  error_type: ExecutionErrorType | null;
  priority: QueuePriority;
  user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdminExecutionListResponse {
  executions: AdminExecutionResponse[];
  total: number;
  limit: number;
  skip: number;
  has_more: boolean;
}

export interface QueueStatusResponse {
  queue_depth: number;
  active_count: number;
  max_concurrent: number;
  by_priority: Record<string, number>;
}

export interface SystemSettings {
  max_timeout_seconds: number;
  memory_limit: string;
  cpu_limit: string;
  max_concurrent_executions: number;
  password_min_length: number;
  session_timeout_minutes: number;
  max_login_attempts: number;
  lockout_duration_minutes: number;
  metrics_retention_days: number;
  log_level: LogLevel;
  enable_tracing: boolean;
  sampling_rate: number;
}

export interface SagaStatusResponse {
  saga_id: string;
  saga_name: string;
  execution_id: string;
  state: SagaState;
  current_step: string | null;
  completed_steps: string[];
  compensated_steps: string[];
  error_message: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  retry_count: number;
}

export interface SagaListResponse {
  sagas: SagaStatusResponse[];
  total: number;
  skip: number;
  limit: number;
  has_more: boolean;
}

export interface SagaCancellationResponse {
  success: boolean;
  message: string;
  saga_id: string;
}

/** A stored event as the event APIs answer it: envelope fields plus the event's own fields. */
export interface StoredEvent {
  event_id: string;
  event_type: string;
  event_version?: string;
  timestamp: string;
  aggregate_id?: string | null;
  aggregate_type?: string | null;
  sequence_number?: number | null;
  metadata?: {
    service_name?: string;
    user_id?: string | null;
    client_ip?: string | null;
    request_id?: string | null;
    correlation_id?: string | null;
    causation_id?: string | null;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export interface EventFilter {
  event_types?: string[] | null;
  aggregate_id?: string | null;
  correlation_id?: string | null;
  user_id?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  service_name?: string | null;
  search_text?: string | null;
}

export interface EventBrowseRequest {
  filters: EventFilter;
  skip?: number;
  limit?: number;
}

export interface EventBrowseResponse {
  events: StoredEvent[];
  total: number;
  skip: number;
  limit: number;
}

export interface EventSummary {
  event_id: string;
  event_type: string;
  timestamp: string;
  aggregate_id?: string | null;
}

export interface EventDetailResponse {
  event: StoredEvent;
  related_events: EventSummary[];
  timeline: EventSummary[];
}

export interface EventTypeCount {
  event_type: string;
  count: number;
}

export interface HourlyEventCount {
  hour: string;
  count: number;
}

export interface UserEventCount {
  user_id: string;
  event_count: number;
}

export interface EventStatsResponse {
  total_events: number;
  events_by_type: EventTypeCount[];
  events_by_hour: HourlyEventCount[];
  top_users: UserEventCount[];
  error_rate: number;
  avg_processing_time: number;
}

export interface EventDeleteResponse {
  message: string;
  event_id: string;
}

export interface DerivedCounts {
  succeeded: number;
  failed: number;
  timeout: number;
  cancelled: number;
  terminal_total: number;
}

export interface RateLimitSummary {
  bypass_rate_limit: boolean | null;
  global_multiplier: number | null;
  has_custom_limits: boolean | null;
}

export interface EventStatistics {
  total_events: number;
  events_by_type: EventTypeCount[];
  events_by_service: { service_name: string; count: number }[];
  events_by_hour: HourlyEventCount[];
  top_users: UserEventCount[];
  error_rate: number;
  avg_processing_time: number;
  start_time: string | null;
  end_time: string | null;
}

export interface AdminUserOverview {
  user: UserResponse;
  stats: EventStatistics;
  derived_counts: DerivedCounts;
  rate_limit_summary: RateLimitSummary;
  recent_events: StoredEvent[];
}

// Sandpod's additions (not in the reference contract): the audit, processor and dead-letter endpoints as the
// server serves them (docs/api/openapi.json; every field is always written, null included).

/** GET /audit/aggregates/{type}/{id}/events: a page of the aggregate's events in sequence order. */
export interface AuditEventPage {
  aggregate_type: string;
  aggregate_id: string;
  events: StoredEvent[];
  total: number;
  skip: number;
  limit: number;
}

/** GET /audit/aggregates/{type}/{id}/state?at=: the state after the last event at or before `at`. */
export interface AuditStateAt {
  aggregate_type: string;
  aggregate_id: string;
  at: string;
  sequence_number: number;
  last_event_type: string;
  last_event_timestamp: string;
  state: Record<string, unknown>;
}

/** A processor's segment: its owner (instance) in the token store and where it is. */
export interface SegmentView {
  segment: number;
  owner: string | null;
  position: number | null;
  lag: number | null;
  caught_up: boolean;
  replaying: boolean;
  error: string | null;
}

/** The last rebuild of a projection, running or finished. */
export interface ReplayView {
  /** `replaying` while it runs */
  status: string;
  started_at: string | null;
  finished_at: string | null;
  position: number;
  target: number;
  progress_percent: number;
  events_per_second: number;
  eta_seconds: number | null;
}

/** One event processor. `position`/`lag` are null for a subscribing processor (it never lags). */
export interface ProcessorView {
  name: string;
  /** `projection` (replayable), `saga` or `side_effect` */
  kind: string;
  /** `pooled_streaming` or `subscribing` */
  processor_type: string;
  /** `running`, `caught_up`, `replaying`, `paused`, `stopped` or `error` */
  state: string;
  error: string | null;
  replayable: boolean;
  position: number | null;
  lag: number | null;
  head: number;
  /** null when the processor has no dead-letter queue */
  dead_letters: number | null;
  segments: SegmentView[];
  replay: ReplayView | null;
}

/** GET /admin/projections (and each frame of /admin/projections/stream) */
export interface ProjectionListResponse {
  processors: ProcessorView[];
  /** names of the projections rebuilding now */
  replaying: string[];
  total: number;
}

/** One parked event of a processor's dead-letter queue. */
export interface DeadLetterView {
  id: string;
  processor: string;
  sequence_id: string;
  position_in_sequence: number;
  event_id: string;
  event_type: string;
  aggregate_type: string | null;
  aggregate_id: string | null;
  sequence_number: number | null;
  event_timestamp: string;
  error_type: string | null;
  error_message: string | null;
  attempts: number;
  enqueued_at: string;
  last_touched: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface DeadLetterListResponse {
  messages: DeadLetterView[];
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

export interface RetryOutcome {
  id: string;
  processor: string;
  succeeded: boolean;
  remaining_in_processor: number;
}

/** A retry hands the letter's whole parked sequence (its aggregate's events) back to the processor. */
export interface DeadLetterRetryResponse {
  retried: number;
  succeeded: number;
  failed: number;
  outcomes: RetryOutcome[];
}

export interface DeadLetterDiscardRequest {
  reason?: string;
}

export interface DeadLetterDiscardResponse {
  id: string;
  discarded: boolean;
  reason: string;
  message: DeadLetterView;
}

// Replay sessions: the reference contract's /replay/* shapes (re-publish selected stored events to Kafka, a
// file or a test sink, with speed control, pause/resume/cancel and progress).

export type ReplayType = 'execution' | 'time_range' | 'event_type' | 'query' | 'recovery';
export type ReplayTarget = 'kafka' | 'callback' | 'file' | 'test';
export type ReplayStatus =
  'preview' | 'scheduled' | 'created' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface ReplayFilter {
  event_ids?: string[] | null;
  execution_id?: string | null;
  aggregate_id?: string | null;
  event_types?: string[] | null;
  exclude_event_types?: string[] | null;
  start_time?: string | null;
  end_time?: string | null;
  user_id?: string | null;
  service_name?: string | null;
}

/** POST /replay/sessions */
export interface ReplayRequest {
  replay_type: ReplayType;
  target?: ReplayTarget;
  filter?: ReplayFilter;
  speed_multiplier?: number;
  preserve_timestamps?: boolean;
  batch_size?: number;
  max_events?: number | null;
  skip_errors?: boolean;
  target_file_path?: string | null;
  target_topics?: Record<string, string> | null;
  retry_failed?: boolean;
  retry_attempts?: number;
  enable_progress_tracking?: boolean;
}

/** What create, start, pause, resume and cancel answer. */
export interface ReplayResponse {
  session_id: string;
  status: ReplayStatus;
  message: string;
}

/** One entry of GET /replay/sessions. */
export interface SessionSummary {
  session_id: string;
  config: { replay_type: ReplayType; target: ReplayTarget };
  status: ReplayStatus;
  total_events: number;
  replayed_events: number;
  failed_events: number;
  skipped_events: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
}

export interface ReplayError {
  timestamp: string;
  error: string;
  error_type?: string | null;
  event_id?: string | null;
}

/** GET /replay/sessions/{session_id} */
export interface ReplaySession {
  session_id: string;
  config: Required<Omit<ReplayRequest, 'filter'>> & { filter: Required<ReplayFilter> };
  status: ReplayStatus;
  total_events: number;
  replayed_events: number;
  failed_events: number;
  skipped_events: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  last_event_at: string | null;
  errors: ReplayError[];
}

/** POST /admin/events/replay: with `dry_run` (the default) it only counts and previews what a filter selects. */
export interface EventReplayRequest {
  event_ids?: string[] | null;
  aggregate_id?: string | null;
  start_time?: string | null;
  end_time?: string | null;
  target_service?: string | null;
  dry_run?: boolean;
}

export interface EventReplayResponse {
  dry_run: boolean;
  total_events: number;
  replay_id: string;
  session_id: string | null;
  status: ReplayStatus;
  events_preview: EventSummary[] | null;
}
