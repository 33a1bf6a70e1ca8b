// The admin area's calls. A module of its own, imported only by the admin pages, so none of it is in
// the entry chunk or the editor's first load.
import { API_BASE, buildUrl, http } from './client';
import type {
  AdminExecutionListResponse,
  AdminExecutionResponse,
  AdminUserOverview,
  AuditEventsResponse,
  AuditStateResponse,
  DeadLetter,
  DeadLetterList,
  DeleteUserResponse,
  EventBrowseRequest,
  EventBrowseResponse,
  EventDeleteResponse,
  EventDetailResponse,
  EventFilter,
  EventStatsResponse,
  ExecutionStatus,
  MessageResponse,
  ProcessorStatus,
  QueuePriority,
  QueueStatusResponse,
  RateLimitRuleResponse,
  RateLimitUpdateRequest,
  RateLimitUpdateResponse,
  SagaCancellationResponse,
  SagaListResponse,
  SagaState,
  SagaStatusResponse,
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
      user_id: filter.user_id,
      start_time: filter.start_time,
      end_time: filter.end_time,
    }),
};

export type AggregateType =
  'execution' | 'user' | 'user_settings' | 'system_settings' | 'script' | 'notification';

export const audit = {
  events: (type: AggregateType, id: string, query: { limit?: number; skip?: number } = {}) =>
    http.get<AuditEventsResponse | StoredEvent[]>(`/audit/aggregates/${enc(type)}/${enc(id)}/events`, {
      query,
    }),
  state: (type: AggregateType, id: string, at: string) =>
    http.get<AuditStateResponse>(`/audit/aggregates/${enc(type)}/${enc(id)}/state`, { query: { at } }),
};

export const projections = {
  list: () =>
    http.get<ProcessorStatus[] | { projections?: ProcessorStatus[]; processors?: ProcessorStatus[] }>(
      '/admin/projections',
    ),
  replay: (name: string) => http.post<unknown>(`/admin/projections/${enc(name)}/replay`),
  streamUrl: () => `${API_BASE}/admin/projections/stream`,
};

export const deadLetters = {
  list: (query: { processor?: string; event_type?: string; limit?: number; offset?: number } = {}) =>
    http.get<DeadLetterList | DeadLetter[]>('/dlq/messages', { query }),
  get: (id: string) => http.get<DeadLetter>(`/dlq/messages/${enc(id)}`),
  retry: (id: string) => http.post<unknown>(`/dlq/messages/${enc(id)}/retry`),
  discard: (id: string, reason: string) =>
    http.delete<unknown>(`/dlq/messages/${enc(id)}`, { query: { reason } }),
};

/** Lists answered either bare or wrapped in an object: the items, whichever way they came. */
export function itemsOf<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const k of keys) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}
