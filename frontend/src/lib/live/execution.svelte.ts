// Live state of one execution: submit, then follow GET /events/executions/{id} until `result_stored`.
// The stream may drop (proxy, laptop sleep, server restart): the browser's own EventSource retry
// resumes with Last-Event-ID; when the server refuses the stream outright we check the result and
// open a new one with backoff, and after repeated failures fall back to polling the result.
import { ApiError, errorText } from '../api/client';
import { executions } from '../api/endpoints';
import type {
  ExecutionRequest,
  ExecutionResult,
  ExecutionStatus,
  SSEExecutionEvent,
  SSEOutputFrame,
} from '../api/types';
import { isTerminal } from '../api/types';

export type Phase = 'idle' | 'submitting' | ExecutionStatus;
export type Connection = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'polling' | 'closed';

export interface TimelineEntry {
  event_type: string;
  status: ExecutionStatus | null;
  timestamp: string | null;
}

/** The browser keeps at most this much live output; the stored result has the authoritative text. */
export const LIVE_OUTPUT_CAP = 2 * 1024 * 1024;
const MAX_STREAM_RETRIES = 5;
const SAFETY_CHECK_MS = 20_000;

const STATUS_OF_EVENT: Record<string, ExecutionStatus> = {
  execution_requested: 'queued',
  execution_accepted: 'queued',
  execution_queued: 'queued',
  execution_scheduled: 'scheduled',
  pod_created: 'scheduled',
  pod_scheduled: 'scheduled',
  execution_started: 'running',
  execution_running: 'running',
  pod_running: 'running',
  execution_completed: 'completed',
  execution_failed: 'failed',
  execution_timeout: 'timeout',
  execution_cancelled: 'cancelled',
};

export function statusOfFrame(frame: Partial<SSEExecutionEvent>): ExecutionStatus | null {
  if (frame.result?.status) return frame.result.status;
  if (frame.status) return frame.status;
  return STATUS_OF_EVENT[frame.event_type ?? ''] ?? null;
}

export interface ExecutionDeps {
  createEventSource: (url: string) => EventSource;
  api: Pick<typeof executions, 'execute' | 'result' | 'cancel' | 'streamUrl'>;
  onFinished?: (result: ExecutionResult) => void;
}

const defaultDeps = (): ExecutionDeps => ({
  createEventSource: (url) => new EventSource(url),
  api: executions,
});

export class ExecutionRun {
  id = $state<string | null>(null);
  phase = $state<Phase>('idle');
  stdout = $state('');
  stderr = $state('');
  liveTruncated = $state(false);
  result = $state<ExecutionResult | null>(null);
  timeline = $state<TimelineEntry[]>([]);
  connection = $state<Connection>('idle');
  error = $state<string | null>(null);
  cancelling = $state(false);
  startedAt = $state<number | null>(null);
  finishedAt = $state<number | null>(null);

  busy = $derived(
    this.phase === 'submitting' || (this.phase !== 'idle' && !isTerminal(this.phase as ExecutionStatus)),
  );

  private deps: ExecutionDeps;
  private source: EventSource | null = null;
  private seen = new Set<string>();
  private retries = 0;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private generation = 0;

  constructor(deps: Partial<ExecutionDeps> = {}) {
    this.deps = { ...defaultDeps(), ...deps };
  }

  setOnFinished(handler: ((result: ExecutionResult) => void) | undefined): void {
    this.deps.onFinished = handler;
  }

  async submit(request: ExecutionRequest): Promise<string | null> {
    if (this.busy) return null;
    this.reset();
    this.phase = 'submitting';
    this.startedAt = Date.now();
    const gen = this.generation;
    try {
      const key =
        typeof crypto !== 'undefined' && 'randomUUID' in crypto
          ? crypto.randomUUID()
          : `${Date.now()}-${Math.random()}`;
      const res = await this.deps.api.execute(request, key);
      if (gen !== this.generation) return null;
      this.id = res.execution_id;
      this.phase = res.status ?? 'queued';
      this.timeline = [{ event_type: 'submitted', status: this.phase, timestamp: new Date().toISOString() }];
      this.follow(res.execution_id, gen);
      return res.execution_id;
    } catch (e) {
      if (gen !== this.generation) return null;
      this.phase = 'idle';
      this.error = errorText(e);
      throw e;
    }
  }

  /** Attach to an execution that already exists (e.g. after a page reload). */
  attach(id: string): void {
    this.reset();
    this.id = id;
    this.phase = 'queued';
    this.startedAt = Date.now();
    this.follow(id, this.generation);
  }

  async cancel(): Promise<string | null> {
    if (!this.id || !this.busy || this.cancelling) return null;
    this.cancelling = true;
    try {
      const res = await this.deps.api.cancel(this.id);
      return res.message || 'Cancellation requested';
    } finally {
      this.cancelling = false;
    }
  }

  reset(): void {
    this.generation++;
    this.closeSource();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.seen.clear();
    this.retries = 0;
    this.id = null;
    this.phase = 'idle';
    this.stdout = '';
    this.stderr = '';
    this.liveTruncated = false;
    this.result = null;
    this.timeline = [];
    this.connection = 'idle';
    this.error = null;
    this.cancelling = false;
    this.startedAt = null;
    this.finishedAt = null;
  }

  dispose(): void {
    this.reset();
  }

  /** Handles one parsed frame of the stream; public for tests. */
  handleFrame(frame: SSEExecutionEvent | SSEOutputFrame, gen = this.generation): void {
    if (gen !== this.generation || this.result) return;
    const eventId = frame.event_id ?? null;
    if (eventId) {
      if (this.seen.has(eventId)) return;
      this.seen.add(eventId);
    }
    if (frame.event_type === 'output') {
      const f = frame as SSEOutputFrame;
      if (typeof f.data !== 'string') return;
      if (this.stdout.length + this.stderr.length + f.data.length > LIVE_OUTPUT_CAP) {
        this.liveTruncated = true;
        return;
      }
      if (f.stream === 'stderr') this.stderr += f.data;
      else this.stdout += f.data;
      if (this.phase === 'queued' || this.phase === 'scheduled') this.phase = 'running';
      return;
    }
    const f = frame as SSEExecutionEvent;
    const status = statusOfFrame(f);
    if (status && !isTerminal(this.phase as ExecutionStatus)) this.phase = status;
    const last = this.timeline[this.timeline.length - 1];
    if (!(f.event_type === 'status' && last && last.status === status)) {
      this.timeline = [...this.timeline, { event_type: f.event_type, status, timestamp: f.timestamp }];
    }
    if (f.event_type === 'result_stored' && f.result) this.finish(f.result, gen);
  }

  private follow(id: string, gen: number): void {
    this.openStream(id, gen);
    this.scheduleSafetyCheck(id, gen);
  }

  private openStream(id: string, gen: number): void {
    if (gen !== this.generation || this.result) return;
    this.closeSource();
    this.connection = this.retries > 0 ? 'reconnecting' : 'connecting';
    let source: EventSource;
    try {
      source = this.deps.createEventSource(this.deps.api.streamUrl(id));
    } catch {
      this.startPolling(id, gen);
      return;
    }
    this.source = source;
    source.onopen = () => {
      if (gen !== this.generation) return;
      this.connection = 'open';
      this.retries = 0;
    };
    source.onmessage = (event: MessageEvent) => {
      let frame: SSEExecutionEvent | SSEOutputFrame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!frame || typeof frame !== 'object') return;
      if (!frame.event_id && event.lastEventId) frame.event_id = event.lastEventId;
      this.handleFrame(frame, gen);
    };
    // Some servers name their events; treat a named `output` event like the data-only kind.
    source.addEventListener('output', ((event: MessageEvent) => source.onmessage?.(event)) as EventListener);
    source.onerror = () => {
      if (gen !== this.generation || this.result) return;
      if (source.readyState === 2 /* CLOSED */) {
        source.close();
        this.retries += 1;
        if (this.retries > MAX_STREAM_RETRIES) this.startPolling(id, gen);
        else this.reconnectAfterCheck(id, gen);
      } else {
        // The browser retries by itself and sends Last-Event-ID.
        this.connection = 'reconnecting';
        this.retries += 1;
        if (isTerminal(this.phase as ExecutionStatus)) void this.checkResult(id, gen);
        if (this.retries > MAX_STREAM_RETRIES * 2) {
          source.close();
          this.startPolling(id, gen);
        }
      }
    };
  }

  private reconnectAfterCheck(id: string, gen: number): void {
    this.connection = 'reconnecting';
    const delay = Math.min(8000, 400 * 2 ** (this.retries - 1));
    this.later(async () => {
      if (await this.checkResult(id, gen)) return;
      this.openStream(id, gen);
    }, delay);
  }

  private startPolling(id: string, gen: number): void {
    if (gen !== this.generation || this.result) return;
    this.closeSource();
    this.connection = 'polling';
    let delay = 700;
    const tick = async () => {
      if (gen !== this.generation || this.result) return;
      await this.checkResult(id, gen);
      delay = Math.min(5000, delay * 1.4);
      if (!this.result) this.later(tick, delay);
    };
    this.later(tick, 0);
  }

  private scheduleSafetyCheck(id: string, gen: number): void {
    this.later(async () => {
      if (gen !== this.generation || this.result) return;
      await this.checkResult(id, gen);
      if (!this.result) this.scheduleSafetyCheck(id, gen);
    }, SAFETY_CHECK_MS);
  }

  /** Looks at the stored result; finishes the run when it is terminal. */
  private async checkResult(id: string, gen: number): Promise<boolean> {
    try {
      const result = await this.deps.api.result(id);
      if (gen !== this.generation || this.result) return true;
      if (result && isTerminal(result.status)) {
        this.finish(result, gen);
        return true;
      }
      if (result?.status && !isTerminal(this.phase as ExecutionStatus)) this.phase = result.status;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 401)) {
        this.error = e.message;
        this.closeSource();
        this.connection = 'closed';
        this.generation++;
        return true;
      }
    }
    return false;
  }

  private finish(result: ExecutionResult, gen: number): void {
    if (gen !== this.generation || this.result) return;
    this.result = result;
    this.phase = result.status ?? this.phase;
    this.stdout = result.stdout ?? '';
    this.stderr = result.stderr ?? '';
    this.liveTruncated = false;
    this.finishedAt = Date.now();
    this.closeSource();
    this.connection = 'closed';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deps.onFinished?.(result);
  }

  private closeSource(): void {
    if (this.source) {
      this.source.onopen = this.source.onmessage = this.source.onerror = null;
      this.source.close();
      this.source = null;
    }
  }

  private later(fn: () => void | Promise<void>, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, ms);
    this.timers.add(t);
  }
}
