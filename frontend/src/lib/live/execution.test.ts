import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, resultFixture } from '../../test/fakes';
import { ApiError } from '../api/client';
import type { ExecutionResult } from '../api/types';
import { ExecutionRun, LIVE_OUTPUT_CAP, statusOfFrame } from './execution.svelte';

function setup(resultImpl?: (id: string) => Promise<ExecutionResult>) {
  const finished: ExecutionResult[] = [];
  const api = {
    execute: vi.fn(async () => ({ execution_id: 'ex-1', status: 'queued' as const })),
    result: vi.fn(
      resultImpl ?? (async () => resultFixture({ status: 'running', stdout: '' }) as ExecutionResult),
    ),
    cancel: vi.fn(async () => ({
      execution_id: 'ex-1',
      status: 'cancellation_requested' as const,
      message: 'Cancellation requested',
      event_id: 'e9',
    })),
    streamUrl: (id: string) => `/api/v1/events/executions/${id}`,
  };
  const run = new ExecutionRun({
    api,
    createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    onFinished: (r) => finished.push(r),
  });
  return { run, api, finished };
}

const frame = (event_type: string, status: string | null, extra: Record<string, unknown> = {}) => ({
  event_type,
  execution_id: 'ex-1',
  timestamp: '2026-01-01T00:00:00Z',
  event_id: `${event_type}-${status}`,
  status,
  result: null,
  ...extra,
});

beforeEach(() => {
  FakeEventSource.reset();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ExecutionRun', () => {
  it('submits with an idempotency key and follows the stream to the stored result', async () => {
    const { run, api, finished } = setup();
    await run.submit({ script: 'print(1)', lang: 'python', lang_version: '3.12' });
    expect(api.execute).toHaveBeenCalledWith(
      { script: 'print(1)', lang: 'python', lang_version: '3.12' },
      expect.any(String),
    );
    const es = FakeEventSource.latest();
    expect(es.url).toBe('/api/v1/events/executions/ex-1');
    es.open();
    expect(run.connection).toBe('open');
    es.emit(frame('status', 'queued'));
    es.emit(frame('execution_scheduled', 'scheduled'));
    expect(run.phase).toBe('scheduled');
    es.emit(frame('execution_started', null));
    expect(run.phase).toBe('running');
    es.emit({ event_type: 'output', stream: 'stdout', data: 'Hello ' });
    es.emit({ event_type: 'output', stream: 'stdout', data: 'from' });
    es.emit({ event_type: 'output', stream: 'stderr', data: 'warn' });
    expect(run.stdout).toBe('Hello from');
    expect(run.stderr).toBe('warn');
    expect(run.busy).toBe(true);
    const result = resultFixture();
    es.emit(frame('result_stored', 'completed', { result }));
    expect(run.phase).toBe('completed');
    expect(run.busy).toBe(false);
    expect(run.stdout).toBe(result.stdout);
    expect(run.stderr).toBe('');
    expect(run.result?.exit_code).toBe(0);
    expect(es.closed).toBe(true);
    expect(finished).toHaveLength(1);
    expect(run.timeline.map((t) => t.status)).toEqual(['queued', 'scheduled', 'running', 'completed']);
  });

  it('ignores frames it has already seen (a resumed stream repeats some)', async () => {
    const { run } = setup();
    await run.submit({ script: 'x' });
    const es = FakeEventSource.latest();
    const out = { event_type: 'output', stream: 'stdout', data: 'once', event_id: 'o1' };
    es.emit(out);
    es.emit(out);
    expect(run.stdout).toBe('once');
  });

  it('uses the SSE id when the frame has no event_id', async () => {
    const { run } = setup();
    await run.submit({ script: 'x' });
    const es = FakeEventSource.latest();
    es.emit({ event_type: 'output', stream: 'stdout', data: 'a' }, { lastEventId: '7' });
    es.emit({ event_type: 'output', stream: 'stdout', data: 'a' }, { lastEventId: '7' });
    expect(run.stdout).toBe('a');
  });

  it('lets the browser resume a dropped stream by itself', async () => {
    const { run } = setup();
    await run.submit({ script: 'x' });
    const es = FakeEventSource.latest();
    es.open();
    es.drop();
    expect(run.connection).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(1);
    es.open();
    expect(run.connection).toBe('open');
  });

  it('checks the result and reopens the stream when the server refuses it', async () => {
    const { run, api } = setup();
    await run.submit({ script: 'x' });
    FakeEventSource.latest().fail();
    expect(run.connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(api.result).toHaveBeenCalledWith('ex-1');
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('finishes from the stored result when the stream cannot deliver it', async () => {
    let calls = 0;
    const { run, finished } = setup(async () => {
      calls++;
      return resultFixture(calls > 1 ? {} : { status: 'running', stdout: '' }) as ExecutionResult;
    });
    await run.submit({ script: 'x' });
    for (let i = 0; i < 7; i++) {
      FakeEventSource.latest().fail();
      await vi.advanceTimersByTimeAsync(9000);
      if (run.result) break;
    }
    expect(run.phase).toBe('completed');
    expect(run.stdout).toContain('Hello from a Python');
    expect(finished).toHaveLength(1);
  });

  it('falls back to polling after repeated stream failures', async () => {
    let n = 0;
    const { run } = setup(async () => {
      n++;
      if (n < 8) throw new ApiError(502, 'bad gateway');
      return resultFixture({ status: 'timeout', exit_code: -1, error_type: 'timeout' }) as ExecutionResult;
    });
    await run.submit({ script: 'x' });
    for (let i = 0; i < 6; i++) {
      FakeEventSource.latest().fail();
      await vi.advanceTimersByTimeAsync(9000);
    }
    expect(['polling', 'closed']).toContain(run.connection);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(run.phase).toBe('timeout');
    expect(run.result?.error_type).toBe('timeout');
  });

  it('cancels through the API while running', async () => {
    const { run, api } = setup();
    await run.submit({ script: 'sleep' });
    FakeEventSource.latest().emit(frame('execution_running', 'running'));
    await expect(run.cancel()).resolves.toBe('Cancellation requested');
    expect(api.cancel).toHaveBeenCalledWith('ex-1');
  });

  it('does not submit twice while a run is going', async () => {
    const { run, api } = setup();
    await run.submit({ script: 'x' });
    await expect(run.submit({ script: 'y' })).resolves.toBeNull();
    expect(api.execute).toHaveBeenCalledTimes(1);
  });

  it('reports a rejected submission and stays idle', async () => {
    const { run, api } = setup();
    api.execute.mockRejectedValueOnce(new ApiError(422, "Language 'x' not supported. Supported: [python]"));
    await expect(run.submit({ script: 'x', lang: 'x' })).rejects.toBeInstanceOf(ApiError);
    expect(run.phase).toBe('idle');
    expect(run.error).toMatch(/not supported/);
  });

  it('caps live output in the browser', async () => {
    const { run } = setup();
    await run.submit({ script: 'x' });
    const es = FakeEventSource.latest();
    es.emit({ event_type: 'output', stream: 'stdout', data: 'x'.repeat(LIVE_OUTPUT_CAP) });
    es.emit({ event_type: 'output', stream: 'stdout', data: 'more' });
    expect(run.liveTruncated).toBe(true);
    expect(run.stdout.length).toBe(LIVE_OUTPUT_CAP);
  });

  it('ignores frames from a previous run', async () => {
    const { run } = setup();
    await run.submit({ script: 'x' });
    const first = FakeEventSource.latest();
    first.emit(frame('result_stored', 'completed', { result: resultFixture() }));
    await run.submit({ script: 'y' });
    first.emit({ event_type: 'output', stream: 'stdout', data: 'stale' });
    expect(run.stdout).toBe('');
  });

  it('maps lifecycle events to statuses', () => {
    expect(statusOfFrame({ event_type: 'execution_timeout' })).toBe('timeout');
    expect(statusOfFrame({ event_type: 'pod_running' })).toBe('running');
    expect(statusOfFrame({ event_type: 'whatever', status: 'cancelled' })).toBe('cancelled');
    expect(statusOfFrame({ event_type: 'unknown' })).toBeNull();
  });
});
