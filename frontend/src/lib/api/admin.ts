// The admin area's calls. A module of its own, imported only by the admin pages, so none of it is in
// the entry chunk or the editor's first load.
import { API_BASE, buildUrl, http } from './client';
import type {
  AdminExecutionListResponse,
  AdminExecutionResponse,
  AdminUserOverview,
  AuditEventPage,
  AuditStateAt,
  DeadLetterDiscardResponse,
  DeadLetterListResponse,
  DeadLetterRetryResponse,
  DeadLetterView,
  DeleteUserResponse,
  EventBrowseRequest,
  EventBrowseResponse,
  EventDeleteResponse,
  EventDetailResponse,
  EventFilter,
  EventReplayRequest,
  EventReplayResponse,
  EventStatsResponse,
  ExecutionStatus,
  MessageResponse,
  ProcessorView,
  ProjectionListResponse,
  QueuePriority,
  QueueStatusResponse,
  RateLimitRuleResponse,
  ReplayRequest,
  ReplayResponse,
  ReplaySession,
  ReplayStatus,
  RateLimitUpdateRequest,
  RateLimitUpdateResponse,
  SagaCancellationResponse,
  SagaListResponse,
  SagaState,
  SagaStatusResponse,
  SessionSummary,
  StoredEvent,
  SystemSettings,
  UnlockResponse,
  UserCreate,
  UserListResponse,
  UserRateLimitsResponse,
  UserResponse,
  UserRole,
  UserUpdate,
} from './types';

const enc = encodeURIComponent;

export const adminUsers = {
  list: (query: { search?: string; role?: UserRole; limit?: number; offset?: number } = {}) =>
    http.get<UserListResponse>('/admin/users/', { query }),
  get: (id: string) => http.get<UserResponse>(`/admin/users/${enc(id)}`),
  create: (body: UserCreate) => http.post<UserResponse>('/admin/users/', { json: body }),
  update: (id: string, body: UserUpdate) => http.put<UserResponse>(`/admin/users/${enc(id)}`, { json: body }),
  remove: (id: string, cascade = true) =>
    http.delete<DeleteUserResponse>(`/admin/users/${enc(id)}`, { query: { cascade } }),
  resetPassword: (id: string, newPassword: string) =>
    http.post<MessageResponse>(`/admin/users/${enc(id)}/reset-password`, {
      json: { new_password: newPassword },
    }),
  unlock: (id: string) => http.post<UnlockResponse>(`/admin/users/${enc(id)}/unlock`),
  overview: (id: string) => http.get<AdminUserOverview>(`/admin/users/${enc(id)}/overview`),
};

export const rateLimits = {
  defaults: () => http.get<RateLimitRuleResponse[]>('/admin/rate-limits/defaults'),
  get: (userId: string) => http.get<UserRateLimitsResponse>(`/admin/rate-limits/${enc(userId)}`),
  update: (userId: string, body: RateLimitUpdateRequest) =>
    http.put<RateLimitUpdateResponse>(`/admin/rate-limits/${enc(userId)}`, { json: body }),
  reset: (userId: string) => http.post<MessageResponse>(`/admin/rate-limits/${enc(userId)}/reset`),
};

export interface AdminExecutionQuery {
  status?: ExecutionStatus;
  priority?: QueuePriority;
  user_id?: string;
  limit?: number;
  skip?: number;
}

export const adminExecutions = {
  list: (query: AdminExecutionQuery = {}, signal?: AbortSignal) =>
    http.get<AdminExecutionListResponse>('/admin/executions/', { query: { ...query }, signal }),
  queue: (signal?: AbortSignal) => http.get<QueueStatusResponse>('/admin/executions/queue', { signal }),
  setPriority: (id: string, priority: QueuePriority) =>
    http.put<AdminExecutionResponse>(`/admin/executions/${enc(id)}/priority`, { json: { priority } }),
  /** The execution's stored events (any user's, for an admin). */
  events: (id: string, limit = 1000) =>
    http.get<StoredEvent[]>(`/executions/${enc(id)}/events`, { query: { limit } }),
};

export const systemSettings = {
  get: () => http.get<SystemSettings>('/admin/settings/'),
  update: (body: Partial<SystemSettings>) => http.put<SystemSettings>('/admin/settings/', { json: body }),
  reset: () => http.post<SystemSettings>('/admin/settings/reset'),
};

export const sagas = {
  list: (query: { state?: SagaState; execution_id?: string; limit?: number; skip?: number } = {}) =>
    http.get<SagaListResponse>('/sagas/', { query: { ...query } }),
  get: (id: string) => http.get<SagaStatusResponse>(`/sagas/${enc(id)}`),
  cancel: (id: string) => http.post<SagaCancellationResponse>(`/sagas/${enc(id)}/cancel`),
};

export const adminEvents = {
  browse: (body: EventBrowseRequest) =>
    http.post<EventBrowseResponse>('/admin/events/browse', { json: body }),
  stats: (hours = 24) => http.get<EventStatsResponse>('/admin/events/stats', { query: { hours } }),
  detail: (id: string) => http.get<EventDetailResponse>(`/admin/events/${enc(id)}`),
  hide: (id: string) => http.delete<EventDeleteResponse>(`/admin/events/${enc(id)}`),
  /** A download link (the browser streams the file; the export can be large). */
  exportUrl: (format: 'csv' | 'json', filter: EventFilter) =>
    buildUrl(`/admin/events/export/${format}`, {
      event_types: filter.event_types ?? undefined,
      aggregate_id: filter.aggregate_id,
      correlation_id: filter.correlation_id,
      user_id: filter.user_id,
      start_time: filter.start_time,
      end_time: filter.end_time,
      search_text: filter.search_text,
      service_name: filter.service_name,
    }),
};

/** The aggregate types the audit endpoints know (the `{type}` of their path). */
export type AggregateType =
  | 'execution'
  | 'user'
  | 'user_settings'
  | 'system_settings'
  | 'saved_script'
  | 'notification'
  | 'notification_subscriptions'
  | 'rate_limits'
  | 'queue'
  | 'broadcast'
  | 'event_hide';

/** The event store's aggregate type (an event's `aggregate_type`) → the audit path's type. */
export const AGGREGATE_TYPE_OF_STORED: Record<string, AggregateType> = {
  Execution: 'execution',
  UserAccount: 'user',
  UserSettingsAggregate: 'user_settings',
  SystemSettingsAggregate: 'system_settings',
  SavedScript: 'saved_script',
  Notification: 'notification',
  NotificationSubscriptions: 'notification_subscriptions',
  UserRateLimitOverrides: 'rate_limits',
  DispatchQueue: 'queue',
  Broadcast: 'broadcast',
  EventHide: 'event_hide',
};

/** The system settings are one aggregate; its id (the audit path's `{id}`). */
export const SYSTEM_SETTINGS_ID = 'system';

export const audit = {
  events: (type: AggregateType, id: string, query: { limit?: number; skip?: number } = {}) =>
    http.get<AuditEventPage>(`/audit/aggregates/${enc(type)}/${enc(id)}/events`, { query }),
  state: (type: AggregateType, id: string, at: string) =>
    http.get<AuditStateAt>(`/audit/aggregates/${enc(type)}/${enc(id)}/state`, { query: { at } }),
};

export const projections = {
  list: (signal?: AbortSignal) => http.get<ProjectionListResponse>('/admin/projections', { signal }),
  get: (name: string) => http.get<ProcessorView>(`/admin/projections/${enc(name)}`),
  /** Rebuilds the projection from the first event (202 with its view, `replay` filled in). */
  replay: (name: string) => http.post<ProcessorView>(`/admin/projections/${enc(name)}/replay`),
  pause: (name: string) => http.post<ProcessorView>(`/admin/projections/${enc(name)}/pause`),
  resume: (name: string) => http.post<ProcessorView>(`/admin/projections/${enc(name)}/resume`),
  /** Every processor once a second over SSE (`event: projections`). */
  streamUrl: () => `${API_BASE}/admin/projections/stream`,
};

export interface DeadLetterQuery {
  processor?: string;
  event_type?: string;
  min_age_seconds?: number;
  max_age_seconds?: number;
  limit?: number;
  offset?: number;
}

export const deadLetters = {
  list: (query: DeadLetterQuery = {}) =>
    http.get<DeadLetterListResponse>('/dlq/messages', { query: { ...query } }),
  get: (id: string) => http.get<DeadLetterView>(`/dlq/messages/${enc(id)}`),
  retry: (id: string) => http.post<DeadLetterRetryResponse>(`/dlq/messages/${enc(id)}/retry`),
  discard: (id: string, reason: string) =>
    http.post<DeadLetterDiscardResponse>(`/dlq/messages/${enc(id)}/discard`, { json: { reason } }),
};

export const replay = {
  /** A dry run: how many events the filter selects, and the first of them; nothing is published. */
  preview: (body: Omit<EventReplayRequest, 'dry_run'>) =>
    http.post<EventReplayResponse>('/admin/events/replay', { json: { ...body, dry_run: true } }),
  create: (body: ReplayRequest) => http.post<ReplayResponse>('/replay/sessions', { json: body }),
  list: (query: { status?: ReplayStatus; limit?: number } = {}, signal?: AbortSignal) =>
    http.get<SessionSummary[]>('/replay/sessions', { query: { ...query }, signal }),
  get: (id: string) => http.get<ReplaySession>(`/replay/sessions/${enc(id)}`),
  start: (id: string) => http.post<ReplayResponse>(`/replay/sessions/${enc(id)}/start`),
  pause: (id: string) => http.post<ReplayResponse>(`/replay/sessions/${enc(id)}/pause`),
  resume: (id: string) => http.post<ReplayResponse>(`/replay/sessions/${enc(id)}/resume`),
  cancel: (id: string) => http.post<ReplayResponse>(`/replay/sessions/${enc(id)}/cancel`),
};
