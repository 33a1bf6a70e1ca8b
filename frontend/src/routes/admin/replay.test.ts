// The replay sessions page against the reference contract's /replay/* shapes.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch, type Call } from '../../test/fakes';
import Replay from './Replay.svelte';
import { progressOf, replayErrors, type ReplayForm } from './replayRules';

function session(over: Record<string, unknown> = {}) {
  return {
    session_id: 'aaaa1111-0000-0000-0000-000000000001',
    config: { replay_type: 'execution', target: 'kafka' },
    status: 'created',
    total_events: 40,
    replayed_events: 0,
    failed_events: 0,
    skipped_events: 0,
    created_at: '2026-03-01T10:00:00Z',
    started_at: null,
    completed_at: null,
    duration_seconds: null,
    ...over,
  };
}

const bodyOf = (calls: Call[], part: string) =>
  JSON.parse(calls.find((c) => c.method === 'POST' && c.url.includes(part))!.body!);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Replay sessions page', () => {
  it('dry-runs a filter, then creates a session from the same form', async () => {
    const sessions: ReturnType<typeof session>[] = [];
    const { calls } = mockFetch({
      'GET /api/v1/replay/sessions': () => json(sessions),
      'POST /api/v1/admin/events/replay': {
        dry_run: true,
        total_events: 7,
        replay_id: 'r1',
        session_id: null,
        status: 'preview',
        events_preview: [
          {
            event_id: 'e1',
            event_type: 'execution_requested',
            timestamp: '2026-03-01T10:00:00Z',
            aggregate_id: 'ex-9',
          },
        ],
      },
      'POST /api/v1/replay/sessions': () => {
        sessions.push(session());
        return json({
          session_id: sessions[0].session_id,
          status: 'created',
          message: 'Replay session created',
        });
      },
    });
    render(Replay);
    await screen.findByText('No replay sessions yet.');

    // An execution replay needs its execution: nothing is sent until it is named.
    await fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(screen.getByText('Which execution?')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await fireEvent.input(screen.getByLabelText('Execution id'), { target: { value: 'ex-9' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    const preview = await screen.findByTestId('replay-preview');
    expect(preview.textContent).toMatch(/7 events would be replayed/);
    expect(preview.textContent).toMatch(/execution_requested/);
    expect(bodyOf(calls, '/admin/events/replay')).toEqual({
      aggregate_id: 'ex-9',
      start_time: null,
      end_time: null,
      dry_run: true,
    });

    await fireEvent.input(screen.getByLabelText('Speed (× real time)'), { target: { value: '10' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create session' }));
    const row = await screen.findByTestId('replay-row');
    expect(row.dataset.status).toBe('created');
    expect(bodyOf(calls, '/replay/sessions')).toMatchObject({
      replay_type: 'execution',
      target: 'kafka',
      filter: { execution_id: 'ex-9', event_types: null, user_id: null },
      speed_multiplier: 10,
      batch_size: 100,
      max_events: null,
      skip_errors: true,
      target_file_path: null,
    });
  });

  it('starts, pauses, resumes and — after confirmation — cancels, with the progress bar filling', async () => {
    let current = session();
    const { calls } = mockFetch({
      'GET /api/v1/replay/sessions': () => json([current]),
      'POST /api/v1/replay/sessions/aaaa1111-0000-0000-0000-000000000001/start': () => {
        current = session({ status: 'running', replayed_events: 10, started_at: '2026-03-01T10:01:00Z' });
        return json({ session_id: current.session_id, status: 'running', message: 'Replay session started' });
      },
      'POST /api/v1/replay/sessions/aaaa1111-0000-0000-0000-000000000001/pause': () => {
        current = session({ status: 'paused', replayed_events: 20 });
        return json({ session_id: current.session_id, status: 'paused', message: 'Replay session paused' });
      },
      'POST /api/v1/replay/sessions/aaaa1111-0000-0000-0000-000000000001/resume': () => {
        current = session({ status: 'running', replayed_events: 30 });
        return json({ session_id: current.session_id, status: 'running', message: 'Replay session resumed' });
      },
      'POST /api/v1/replay/sessions/aaaa1111-0000-0000-0000-000000000001/cancel': () => {
        current = session({ status: 'cancelled', replayed_events: 30 });
        return json({
          session_id: current.session_id,
          status: 'cancelled',
          message: 'Replay session cancelled',
        });
      },
    });
    render(Replay);
    const bar = () => screen.getByRole('progressbar', { name: 'Progress of session aaaa1111' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Start' }));
    await vi.waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('25'));
    await fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await vi.waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('50'));
    expect(screen.getByTestId('replay-row').textContent).toMatch(/paused[\s\S]*50 % · 20 of 40/);
    await fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await vi.waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('75'));

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel session aaaa1111?' });
    expect(calls.some((c) => c.url.endsWith('/cancel'))).toBe(false);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel session' }));
    await vi.waitFor(() => expect(screen.getByTestId('replay-row').dataset.status).toBe('cancelled'));
    // A cancelled session offers nothing more.
    expect(
      within(screen.getByTestId('replay-row')).queryByRole('button', { name: /Start|Pause|Resume|Cancel/ }),
    ).toBeNull();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.split('/').pop())).toEqual([
      'start',
      'pause',
      'resume',
      'cancel',
    ]);
  });

  it('shows a session’s errors and configuration', async () => {
    mockFetch({
      'GET /api/v1/replay/sessions': [session({ status: 'failed', failed_events: 2, replayed_events: 38 })],
      'GET /api/v1/replay/sessions/aaaa1111-0000-0000-0000-000000000001': {
        ...session({ status: 'failed', failed_events: 2, replayed_events: 38 }),
        config: {
          replay_type: 'execution',
          target: 'kafka',
          speed_multiplier: 1,
          filter: { execution_id: 'ex-9' },
        },
        last_event_at: '2026-03-01T10:02:00Z',
        errors: [
          {
            timestamp: '2026-03-01T10:01:30Z',
            error: 'broker unavailable',
            error_type: 'KafkaError',
            event_id: 'e5',
          },
        ],
      },
    });
    render(Replay);
    await fireEvent.click(
      await screen.findByRole('button', { name: 'Details of session aaaa1111-0000-0000-0000-000000000001' }),
    );
    expect((await screen.findByTestId('replay-errors')).textContent).toMatch(
      /e5[\s\S]*KafkaError: broker unavailable/,
    );
    expect(screen.getByRole('dialog', { name: 'Session aaaa1111' }).textContent).toMatch(
      /"execution_id": "ex-9"/,
    );
  });

  it('says so when the server cannot dry-run, and still creates the session', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/replay/sessions': [],
      'POST /api/v1/replay/sessions': { session_id: 's1', status: 'created', message: 'created' },
    });
    render(Replay);
    await screen.findByText('No replay sessions yet.');
    await fireEvent.input(screen.getByLabelText('Execution id'), { target: { value: 'ex-9' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot dry-run a replay/);
    await fireEvent.click(screen.getByRole('button', { name: 'Create session' }));
    await vi.waitFor(() =>
      expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/replay/sessions'))).toBe(true),
    );
  });

  it('says plainly when the server has no replay sessions', async () => {
    mockFetch({});
    render(Replay);
    expect((await screen.findByTestId('unavailable')).textContent).toMatch(/Replay sessions is unavailable/);
  });
});

describe('replay rules', () => {
  const base: ReplayForm = {
    replay_type: 'time_range',
    target: 'kafka',
    execution_id: '',
    event_types: '',
    user_id: '',
    start: '',
    end: '',
    speed_multiplier: 1,
    batch_size: 100,
    max_events: '',
    skip_errors: true,
    target_file_path: '',
  };

  it('asks for what each kind of replay needs', () => {
    expect(replayErrors(base).start).toMatch(/start, an end or both/);
    expect(replayErrors({ ...base, start: '2026-03-02T00:00', end: '2026-03-01T00:00' }).start).toMatch(
      /after the end/,
    );
    expect(replayErrors({ ...base, replay_type: 'event_type' }).event_types).toBeTruthy();
    expect(
      replayErrors({ ...base, start: '2026-03-01T00:00', target: 'file' }).target_file_path,
    ).toBeTruthy();
    expect(
      replayErrors({
        ...base,
        start: '2026-03-01T00:00',
        speed_multiplier: 0,
        batch_size: 1001,
        max_events: '0',
      }),
    ).toEqual({
      speed_multiplier: 'Between 0.1 and 100',
      batch_size: 'A whole number from 1 to 1000',
      max_events: 'A whole number of at least 1, or empty',
    });
    expect(replayErrors({ ...base, start: '2026-03-01T00:00', max_events: '250' })).toEqual({});
  });

  it('counts replayed, failed and skipped events towards the progress; a completed session is full', () => {
    const s = session({ replayed_events: 10, failed_events: 5, skipped_events: 5 }) as Parameters<
      typeof progressOf
    >[0];
    expect(progressOf(s)).toBe(50);
    expect(progressOf({ ...s, status: 'completed', total_events: 0 })).toBe(100);
    expect(progressOf({ ...s, total_events: 0 })).toBe(0);
  });
});
