// Test doubles: a scripted fetch and a controllable EventSource.
import { vi } from 'vitest';

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

type Responder = (call: Call) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Installs a fetch that answers by "METHOD /path" (query ignored) and records every call. */
export function mockFetch(routes: Record<string, Responder | Response | unknown>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input.toString();
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = { ...(init.headers as Record<string, string>) };
    const call: Call = {
      url,
      method,
      headers,
      body: init.body as string | undefined,
      credentials: init.credentials,
    };
    calls.push(call);
    const path = new URL(url, 'http://localhost').pathname;
    const route = routes[`${method} ${path}`];
    if (route === undefined) return json({ detail: 'Not Found', type: 'NotFound' }, 404);
    if (typeof route === 'function') return (route as Responder)(call);
    if (route instanceof Response) return route.clone();
    return json(route);
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn };
}

export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  url: string;
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  closed = false;

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  removeEventListener() {}

  close() {
    this.closed = true;
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  emit(data: unknown, opts: { event?: string; lastEventId?: string } = {}) {
    const e = new MessageEvent(opts.event ?? 'message', {
      data: typeof data === 'string' ? data : JSON.stringify(data),
      lastEventId: opts.lastEventId ?? '',
    });
    if (!opts.event || opts.event === 'message') this.onmessage?.(e);
    for (const fn of this.listeners.get(opts.event ?? 'message') ?? []) fn(e);
  }

  /** The network dropped: the browser will retry by itself. */
  drop() {
    this.readyState = 0;
    this.onerror?.(new Event('error'));
  }

  /** The server refused the stream (HTTP error): the browser gives up. */
  fail() {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }

  static latest(): FakeEventSource {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  static reset() {
    FakeEventSource.instances = [];
  }
}

export function resultFixture(over: Record<string, unknown> = {}) {
  return {
    execution_id: 'ex-1',
    status: 'completed',
    stdout: 'Hello from a Python 3.12 sandbox!\n',
    stderr: '',
    lang: 'python',
    lang_version: '3.12',
    resource_usage: {
      execution_time_wall_seconds: 0.042,
      cpu_time_jiffies: 3,
      clk_tck_hertz: 100,
      peak_memory_kb: 9320,
    },
    exit_code: 0,
    error_type: null,
    priority: 'normal',
    ...over,
  };
}
