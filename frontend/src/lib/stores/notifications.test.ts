import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, mockFetch } from '../../test/fakes';
import type { NotificationResponse } from '../api/types';
import { notificationCenter as center } from './notifications.svelte';
import { toasts } from './toasts.svelte';

const note = (id: string, over: Partial<NotificationResponse> = {}): NotificationResponse => ({
  notification_id: id,
  channel: 'in_app',
  status: 'delivered',
  subject: `Execution ${id} completed`,
  body: 'exit 0',
  action_url: '/editor',
  created_at: '2026-01-01T00:00:00Z',
  read_at: null,
  severity: 'medium',
  tags: ['execution', 'completed'],
  ...over,
});

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  center.eventSourceFactory = (url) => new FakeEventSource(url) as unknown as EventSource;
});

afterEach(() => {
  center.stop();
  toasts.clear();
  vi.unstubAllGlobals();
});

describe('notification center', () => {
  it('loads the newest notifications and the unread count', async () => {
    mockFetch({ 'GET /api/v1/notifications': { notifications: [note('a')], total: 1, unread_count: 3 } });
    await center.refresh();
    expect(center.available).toBe(true);
    expect(center.unread).toBe(3);
    expect(center.recent).toHaveLength(1);
  });

  it('says unavailable when the server has no notifications API', async () => {
    mockFetch({});
    await center.refresh();
    expect(center.available).toBe(false);
  });

  it('adds notifications from the live stream once, with a toast', async () => {
    mockFetch({ 'GET /api/v1/notifications': { notifications: [], total: 0, unread_count: 0 } });
    center.start();
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const es = FakeEventSource.latest();
    expect(es.url).toBe('/api/v1/events/notifications/stream');
    es.open();
    expect(center.live).toBe(true);
    es.emit(note('n1'), { event: 'notification' });
    es.emit(note('n1'), { event: 'notification' });
    es.emit('heartbeat-not-json');
    expect(center.unread).toBe(1);
    expect(center.recent[0].notification_id).toBe('n1');
    expect(toasts.items.map((t) => t.message)).toEqual(['Execution n1 completed']);
  });

  it('marks read and deletes, keeping the count right', async () => {
    mockFetch({
      'GET /api/v1/notifications': { notifications: [note('a'), note('b')], total: 2, unread_count: 2 },
      'PUT /api/v1/notifications/a/read': new Response(null, { status: 204 }),
      'DELETE /api/v1/notifications/b': { message: 'deleted' },
      'POST /api/v1/notifications/mark-all-read': new Response(null, { status: 204 }),
    });
    await center.refresh();
    await center.markRead('a');
    expect(center.unread).toBe(1);
    await center.remove('b');
    expect(center.unread).toBe(0);
    expect(center.recent.map((n) => n.notification_id)).toEqual(['a']);
    await center.markAllRead();
    expect(center.recent[0].read_at).not.toBeNull();
  });

  it('reconnects with backoff when the stream is refused', async () => {
    vi.useFakeTimers();
    mockFetch({ 'GET /api/v1/notifications': { notifications: [], total: 0, unread_count: 0 } });
    center.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeEventSource.latest().fail();
    expect(FakeEventSource.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(FakeEventSource.instances).toHaveLength(2);
    vi.useRealTimers();
  });

  it('opens no stream when the server has no notifications API', async () => {
    mockFetch({});
    center.start();
    await vi.waitFor(() => expect(center.available).toBe(false));
    expect(FakeEventSource.instances).toHaveLength(0);
  });
});
