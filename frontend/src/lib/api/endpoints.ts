// Typed calls, one per API operation the SPA uses (docs/api/openapi.json). The server answers collection
// paths with or without a trailing slash; /user/settings/ is called with one.
import { API_BASE, http } from './client';
import type {
  CancelResponse,
  DeleteNotificationResponse,
  EditorSettings,
  ExampleScripts,
  ExecutionListResponse,
  ExecutionRequest,
  ExecutionResponse,
  ExecutionResult,
  ExecutionStatus,
  LoginResponse,
  MessageResponse,
  NotificationListResponse,
  NotificationSettings,
  NotificationStatus,
  ResourceLimits,
  RestoreSettingsRequest,
  SavedScriptCreateRequest,
  SavedScriptListResponse,
  SavedScriptResponse,
  SavedScriptUpdate,
  SettingsHistoryResponse,
  Theme,
  UnreadCountResponse,
  UserCreate,
  UserResponse,
  UserSettings,
  UserSettingsUpdate,
} from './types';

const enc = encodeURIComponent;

export const auth = {
  login: (username: string, password: string) =>
    http.post<LoginResponse>('/auth/login', { form: { username, password } }),
  register: (body: UserCreate) => http.post<UserResponse>('/auth/register', { json: body }),
  me: () => http.get<UserResponse>('/auth/me'),
  logout: () => http.post<MessageResponse>('/auth/logout'),
};

export const executions = {
  execute: (body: ExecutionRequest, idempotencyKey?: string) =>
    http.post<ExecutionResponse>('/execute', {
      json: body,
      headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    }),
  result: (id: string) => http.get<ExecutionResult>(`/executions/${enc(id)}/result`),
  cancel: (id: string, reason = 'Cancelled from the editor') =>
    http.post<CancelResponse>(`/executions/${enc(id)}/cancel`, { json: { reason } }),
  list: (query: { status?: ExecutionStatus; lang?: string; limit?: number; skip?: number } = {}) =>
    http.get<ExecutionListResponse>('/user/executions', { query }),
  streamUrl: (id: string) => `${API_BASE}/events/executions/${enc(id)}`,
};

export const runtimes = {
  examples: () => http.get<ExampleScripts>('/example-scripts'),
  limits: () => http.get<ResourceLimits>('/k8s-limits'),
};

export const scripts = {
  list: () => http.get<SavedScriptListResponse>('/scripts'),
  get: (id: string) => http.get<SavedScriptResponse>(`/scripts/${enc(id)}`),
  create: (body: SavedScriptCreateRequest) => http.post<SavedScriptResponse>('/scripts', { json: body }),
  update: (id: string, body: SavedScriptUpdate) =>
    http.put<SavedScriptResponse>(`/scripts/${enc(id)}`, { json: body }),
  remove: (id: string) => http.delete<void>(`/scripts/${enc(id)}`),
};

export interface NotificationQuery {
  status?: NotificationStatus;
  include_tags?: string[];
  exclude_tags?: string[];
  tag_prefix?: string;
  limit?: number;
  offset?: number;
}

export const notifications = {
  list: (query: NotificationQuery = {}) =>
    http.get<NotificationListResponse>('/notifications', { query: { ...query } }),
  unreadCount: () => http.get<UnreadCountResponse>('/notifications/unread-count'),
  markRead: (id: string) => http.put<void>(`/notifications/${enc(id)}/read`),
  markAllRead: () => http.post<void>('/notifications/mark-all-read'),
  remove: (id: string) => http.delete<DeleteNotificationResponse>(`/notifications/${enc(id)}`),
  streamUrl: () => `${API_BASE}/events/notifications/stream`,
};

export const settings = {
  get: () => http.get<UserSettings>('/user/settings/'),
  update: (body: UserSettingsUpdate) => http.put<UserSettings>('/user/settings/', { json: body }),
  theme: (theme: Theme) => http.put<UserSettings>('/user/settings/theme', { json: { theme } }),
  editor: (editor: EditorSettings) => http.put<UserSettings>('/user/settings/editor', { json: editor }),
  notifications: (body: NotificationSettings) =>
    http.put<UserSettings>('/user/settings/notifications', { json: body }),
  history: (limit = 50) => http.get<SettingsHistoryResponse>('/user/settings/history', { query: { limit } }),
  restore: (body: RestoreSettingsRequest) =>
    http.post<UserSettings>('/user/settings/restore', { json: body }),
};
