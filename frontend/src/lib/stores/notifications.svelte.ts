// The notification bell's live state: unread count and newest items, fed by the SSE stream
// (`event: notification`) with a slow poll as the fallback when the stream is not there.
import { isUnavailable } from '../api/client';
import { notifications as api } from '../api/endpoints';
import type { NotificationResponse } from '../api/types';
import { toasts } from './toasts.svelte';

const RECENT = 8;
const POLL_MS = 30_000;

export type EventSourceFactory = (url: string) => EventSource;

class NotificationCenter {
  unread = $state(0);
  recent = $state<NotificationResponse[]>([]);
  /** null until the first answer; false when the server has no notifications API (yet). */
  available = $state<boolean | null>(null);
  live = $state(false);

  private source: EventSource | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private running = false;
  eventSourceFactory: EventSourceFactory = (url) => new EventSource(url);

  start(): void {
    if (this.running) return;
    this.running = true;
    // The stream is opened only once the list answered: a server without the notifications API gets
    // no stream requests at all.
    void this.refresh().then(() => {
      if (this.available !== false) this.connect();
    });
    // Without a live stream, look now and then; not at all when the server has no notifications API.
    this.poll = setInterval(() => {
      if (!this.live && this.available !== false) void this.refresh();
    }, POLL_MS);
  }

  stop(): void {
    this.running = false;
    this.source?.close();
    this.source = null;
    this.live = false;
    if (this.poll) clearInterval(this.poll);
    if (this.retry) clearTimeout(this.retry);
    this.poll = this.retry = null;
    this.unread = 0;
    this.recent = [];
    this.available = null;
  }

  async refresh(): Promise<void> {
    try {
      const res = await api.list({ limit: RECENT });
      this.recent = res.notifications;
      this.unread = res.unread_count;
      this.available = true;
    } catch (e) {
      if (isUnavailable(e)) this.available = false;
    }
  }

  /** A run just ended: its notification is created asynchronously, so look again shortly. */
  expectSoon(): void {
    if (this.live) return;
    for (const ms of [800, 2500, 6000]) setTimeout(() => void this.refresh(), ms);
  }

  receive(n: NotificationResponse): void {
    if (!n || typeof n.notification_id !== 'string') return;
    if (this.recent.some((r) => r.notification_id === n.notification_id)) return;
    this.recent = [n, ...this.recent].slice(0, RECENT);
    if (!n.read_at && n.status !== 'read') this.unread += 1;
    this.available = true;
    toasts.info(n.subject || 'New notification');
  }

  async markRead(id: string): Promise<void> {
    await api.markRead(id);
    const was = this.recent.find((n) => n.notification_id === id);
    this.recent = this.recent.map((n) =>
      n.notification_id === id ? { ...n, status: 'read', read_at: n.read_at ?? new Date().toISOString() } : n,
    );
    if (was && !was.read_at && was.status !== 'read') this.unread = Math.max(0, this.unread - 1);
    else void this.refresh();
  }

  async markAllRead(): Promise<void> {
    await api.markAllRead();
    const now = new Date().toISOString();
    this.recent = this.recent.map((n) => ({ ...n, status: 'read', read_at: n.read_at ?? now }));
    this.unread = 0;
  }

  async remove(id: string): Promise<void> {
    await api.remove(id);
    const was = this.recent.find((n) => n.notification_id === id);
    this.recent = this.recent.filter((n) => n.notification_id !== id);
    if (was && !was.read_at && was.status !== 'read') this.unread = Math.max(0, this.unread - 1);
  }

  private connect(): void {
    if (!this.running || typeof EventSource === 'undefined') return;
    let source: EventSource;
    try {
      source = this.eventSourceFactory(api.streamUrl());
    } catch {
      return;
    }
    this.source = source;
    const handle = (event: MessageEvent) => {
      try {
        const data = JSON.parse(event.data);
        // Either the notification itself or an envelope {notification: {...}}.
        const n = (data && data.notification) || data;
        if (n && n.notification_id) this.receive(n);
      } catch {
        // Heartbeats and unknown frames are ignored.
      }
    };
    source.addEventListener('notification', handle as EventListener);
    source.onmessage = handle;
    source.onopen = () => {
      this.live = true;
      this.failures = 0;
    };
    source.onerror = () => {
      this.live = false;
      if (source.readyState === 2 /* CLOSED */) {
        source.close();
        this.failures += 1;
        const delay = Math.min(60_000, 2000 * 2 ** Math.min(this.failures, 5));
        this.retry = setTimeout(async () => {
          await this.refresh();
          if (this.available !== false) this.connect();
        }, delay);
      }
    };
  }
}

export const notificationCenter = new NotificationCenter();
