import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, json, mockFetch, resultFixture } from '../test/fakes';
import Editor from './Editor.svelte';

const limits = {
  cpu_limit: '1000m',
  memory_limit: '128Mi',
  cpu_request: '1000m',
  memory_request: '128Mi',
  execution_timeout: 10,
  supported_runtimes: {
    python: { versions: ['3.11'], file_ext: 'py' },
    node: { versions: ['20'], file_ext: 'js' },
  },
};
const examples = {
  scripts: { python: 'print("Hello from a Python sandbox!")\n', node: 'console.log("hi")\n' },
};

afterEach(() => {
  vi.unstubAllGlobals();
  FakeEventSource.reset();
});

describe('Editor page', () => {
  it('picks the runnable version once the server lists its runtimes, and disables the rest', async () => {
    mockFetch({
      'GET /api/v1/k8s-limits': limits,
      'GET /api/v1/example-scripts': examples,
      'GET /api/v1/scripts': { scripts: [] },
    });
    render(Editor);
    const version = screen.getByTestId('version-select') as HTMLSelectElement;
    await vi.waitFor(() => expect(version.value).toBe('3.11'));
    const v312 = [...version.options].find((o) => o.value === '3.12')!;
    expect(v312.disabled).toBe(true);
    expect(v312.title).toMatch(/not available/);
    const go = [...(screen.getByTestId('lang-select') as HTMLSelectElement).options].find(
      (o) => o.value === 'go',
    )!;
    expect(go.disabled).toBe(true);
    expect(go.textContent).toContain('(unavailable)');
    expect((screen.getByTestId('run-button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says so when runtimes, examples and scripts are unavailable, and can still run', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const { calls } = mockFetch({
      'POST /api/v1/execute': { execution_id: 'ex-1', status: 'queued' },
      'GET /api/v1/executions/ex-1/result': resultFixture(),
    });
    render(Editor);
    expect((await screen.findByTestId('runtimes-unavailable')).textContent).toMatch(/unavailable/);
    expect((await screen.findByTestId('unavailable')).textContent).toMatch(/Saved scripts is unavailable/);
    expect((screen.getByTestId('load-example') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('run-button'));
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const body = JSON.parse(calls.find((c) => c.url === '/api/v1/execute')!.body!);
    expect(body).toMatchObject({ lang: 'python', lang_version: '3.12' });
    FakeEventSource.latest().emit({
      event_type: 'result_stored',
      execution_id: 'ex-1',
      timestamp: null,
      event_id: 'r',
      status: 'completed',
      result: resultFixture(),
    });
    await vi.waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('Completed'));
    expect(screen.getByTestId('stdout').textContent).toContain('Hello from a Python');
  });

  it('shows why the server refused a run', async () => {
    mockFetch({
      'GET /api/v1/k8s-limits': limits,
      'POST /api/v1/execute': json(
        { detail: 'Too many active executions (5)', type: 'TooManyRequests' },
        429,
      ),
    });
    render(Editor);
    await vi.waitFor(() =>
      expect((screen.getByTestId('version-select') as HTMLSelectElement).value).toBe('3.11'),
    );
    await fireEvent.click(screen.getByTestId('run-button'));
    expect((await screen.findByTestId('run-error')).textContent).toBe('Too many active executions (5)');
  });
});
