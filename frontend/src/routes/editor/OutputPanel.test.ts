import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { resultFixture } from '../../test/fakes';
import type { ExecutionResult } from '../../lib/api/types';
import { ExecutionRun } from '../../lib/live/execution.svelte';
import OutputPanel from './OutputPanel.svelte';

function runWith(state: Partial<ExecutionRun>) {
  const run = new ExecutionRun({
    createEventSource: () => {
      throw new Error('no streams in this test');
    },
  });
  Object.assign(run, state);
  return run;
}

describe('OutputPanel', () => {
  it('invites a first run when idle', () => {
    render(OutputPanel, { run: runWith({}) });
    expect(screen.getByTestId('run-status').textContent).toBe('Ready');
    expect(screen.getByText(/to run your code/)).toBeTruthy();
  });

  it('shows live status and output while running', () => {
    const run = runWith({ phase: 'running', id: 'ex-1', stdout: 'partial', startedAt: Date.now() });
    render(OutputPanel, { run });
    expect(screen.getByTestId('run-status').textContent).toBe('Running');
    expect(screen.getByTestId('stdout').textContent).toBe('partial');
    expect(screen.getByText('Running', { selector: 'li' }).className).toContain('current');
    run.stdout = 'partial and more';
    flushSync();
    expect(screen.getByTestId('stdout').textContent).toBe('partial and more');
  });

  it('shows exit code, wall and CPU time and peak memory of a finished run', () => {
    const result = resultFixture() as ExecutionResult;
    render(OutputPanel, {
      run: runWith({ phase: 'completed', result, stdout: result.stdout!, startedAt: 1, finishedAt: 2 }),
    });
    expect(screen.getByTestId('run-status').textContent).toBe('Completed');
    expect(screen.getByTestId('exit-code').textContent).toBe('0');
    expect(screen.getByTestId('wall-time').textContent?.trim()).toBe('42 ms');
    expect(screen.getByTestId('cpu-time').textContent).toBe('30 ms');
    expect(screen.getByTestId('peak-memory').textContent).toBe('9.1 MB');
    expect(screen.queryByTestId('stderr')).toBeNull();
  });

  it('shows stderr and a truncation notice', () => {
    const result = resultFixture({
      status: 'completed',
      exit_code: 1,
      stderr: 'Traceback (most recent call last):\nZeroDivisionError: division by zero\n',
      stdout_truncated: true,
    }) as ExecutionResult;
    render(OutputPanel, {
      run: runWith({ phase: 'completed', result, stdout: result.stdout!, stderr: result.stderr! }),
    });
    expect(screen.getByTestId('exit-code').textContent).toBe('1');
    expect(screen.getByTestId('stderr').textContent).toContain('ZeroDivisionError');
    expect(screen.getByTestId('truncated').textContent).toMatch(/stdout hit/);
  });

  it('renders hostile output as text, colours as classes', () => {
    const evil = '\x1b[31m<img src=x onerror="window.__pwned=1">\x1b[0m<b>bold?</b>';
    const { container } = render(OutputPanel, { run: runWith({ phase: 'running', stdout: evil }) });
    const out = screen.getByTestId('stdout');
    expect(out.querySelector('img')).toBeNull();
    expect(out.querySelector('b')).toBeNull();
    expect(out.textContent).toBe('<img src=x onerror="window.__pwned=1"><b>bold?</b>');
    expect(out.querySelector('span.ansi-fg-1')?.textContent).toBe('<img src=x onerror="window.__pwned=1">');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(container.innerHTML).not.toContain('<img');
  });

  it('names the error type of a failed run', () => {
    const result = resultFixture({
      status: 'timeout',
      exit_code: -1,
      error_type: 'timeout',
    }) as ExecutionResult;
    render(OutputPanel, { run: runWith({ phase: 'timeout', result }) });
    expect(screen.getByTestId('run-status').textContent).toBe('Timed out');
    expect(screen.getByTestId('error-type').textContent).toBe('timeout');
  });
});
