// The one place that talks HTTP: same-origin cookies, the CSRF header on every state-changing call,
// and every error body (`{detail, type}`, 422 `{detail: [{loc, msg, type}]}`, 429, HTML from a proxy,
// no answer at all) turned into an ApiError whose message can be shown as is.

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'csrf_token';
const CSRF_HEADER = 'X-CSRF-Token';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string | null;
  readonly body: unknown;

  constructor(status: number, message: string, type: string | null = null, body: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.body = body;
  }

  /** No server answered (status 0), or the route is not there (yet): show "unavailable", not an error. */
  get unavailable(): boolean {
    return [0, 404, 405, 501, 502, 503, 504].includes(this.status);
  }
}

export function isUnavailable(error: unknown): boolean {
  return error instanceof ApiError && error.unavailable;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A token remembered from the login answer, used only when the cookie cannot be read. */
let fallbackCsrf: string | null = null;
let unauthorizedHandler: ((path: string) => void) | null = null;

export function rememberCsrfToken(token: string | null): void {
  fallbackCsrf = token;
}

export function onUnauthorized(handler: ((path: string) => void) | null): void {
  unauthorizedHandler = handler;
}

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie(CSRF_COOKIE) ?? fallbackCsrf;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

function locText(loc: unknown): string {
  if (!Array.isArray(loc)) return '';
  const parts = loc.filter((p, i) => !(i === 0 && (p === 'body' || p === 'query' || p === 'path')));
  return parts.join('.');
}

/** Turns any error body into one readable sentence. */
export function messageFromBody(status: number, statusText: string, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const detail = b.detail;
    if (typeof detail === 'string' && detail.trim()) {
      if (status === 429 && typeof b.retry_after === 'number') {
        return `${detail} — try again in ${Math.ceil(b.retry_after)} s`;
      }
      return detail;
    }
    if (Array.isArray(detail) && detail.length > 0) {
      return detail
        .map((d) => {
          if (d && typeof d === 'object') {
            const e = d as Record<string, unknown>;
            const where = locText(e.loc);
            const msg = typeof e.msg === 'string' ? e.msg : JSON.stringify(e);
            return where ? `${where}: ${msg}` : msg;
          }
          return String(d);
        })
        .join('; ');
    }
    if (typeof b.message === 'string' && b.message.trim()) return b.message;
  }
  if (status === 401) return 'Please sign in again';
  if (status === 403) return 'You are not allowed to do that';
  if (status === 404) return 'Not found';
  if (status === 429) return 'Too many requests — slow down a little';
  if (status >= 500) return `The server had a problem (HTTP ${status}${statusText ? ` ${statusText}` : ''})`;
  return `Request failed (HTTP ${status}${statusText ? ` ${statusText}` : ''})`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (MUTATING.has(method)) {
    const token = csrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Cannot reach the server — check your connection', 'NetworkError');
  }

  if (response.status === 204) return undefined as T;
  const parsed = await readBody(response);
  if (!response.ok) {
    const type =
      parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string'
        ? (parsed as { type: string }).type
        : null;
    if (response.status === 401 && unauthorizedHandler) unauthorizedHandler(path);
    throw new ApiError(
      response.status,
      messageFromBody(response.status, response.statusText, parsed),
      type,
      parsed,
    );
  }
  return parsed as T;
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, options?: RequestOptions) => request<T>('POST', path, options),
  put: <T>(path: string, options?: RequestOptions) => request<T>('PUT', path, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};
