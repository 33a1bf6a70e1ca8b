import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../../test/fakes';
import ScriptsPanel from './ScriptsPanel.svelte';

const saved = {
  script_id: 's1',
  name: 'hello',
  script: 'print("hi")',
  lang: 'python',
  lang_version: '3.12',
  description: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const props = (over: Record<string, unknown> = {}) => ({
  code: 'print("hi")',
  lang: 'python',
  version: '3.12',
  limits: null,
  current: null,
  onLoad: vi.fn(),
  onUpload: vi.fn(),
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe('ScriptsPanel', () => {
  it('shows an unavailable state when the server has no scripts API', async () => {
    mockFetch({});
    render(ScriptsPanel, props());
    expect((await screen.findByTestId('unavailable')).textContent).toContain('Saved scripts is unavailable');
  });

  it('saves a new script with the editor’s code, language and version', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/scripts': { scripts: [] }, 'POST /api/v1/scripts': saved });
    render(ScriptsPanel, props());
    await screen.findByText(/No saved scripts yet/);
    await fireEvent.input(screen.getByLabelText('Script name'), { target: { value: 'hello' } });
    await fireEvent.click(screen.getByTestId('save-script'));
    await screen.findByRole('button', { name: 'Load hello' });
    const post = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(post.body!)).toMatchObject({
      name: 'hello',
      script: 'print("hi")',
      lang: 'python',
      lang_version: '3.12',
    });
  });

  it('needs a name before saving', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/scripts': { scripts: [] } });
    render(ScriptsPanel, props());
    await screen.findByText(/No saved scripts yet/);
    await fireEvent.click(screen.getByTestId('save-script'));
    expect(screen.getByText('Give the script a name')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('loads a script into the editor', async () => {
    mockFetch({ 'GET /api/v1/scripts': { scripts: [saved] }, 'GET /api/v1/scripts/s1': saved });
    const p = props();
    render(ScriptsPanel, p);
    await fireEvent.click(await screen.findByRole('button', { name: 'Load hello' }));
    await vi.waitFor(() => expect(p.onLoad).toHaveBeenCalledWith(saved));
  });

  it('asks before deleting', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/scripts': { scripts: [saved] },
      'DELETE /api/v1/scripts/s1': new Response(null, { status: 204 }),
    });
    render(ScriptsPanel, props());
    await fireEvent.click(await screen.findByRole('button', { name: 'Delete hello' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete', hidden: true }));
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: 'Load hello' })).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('renames in place', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/scripts': { scripts: [saved] },
      'PUT /api/v1/scripts/s1': { ...saved, name: 'renamed' },
    });
    render(ScriptsPanel, props());
    await fireEvent.click(await screen.findByRole('button', { name: 'Rename hello' }));
    await fireEvent.input(screen.getByLabelText('New name for hello'), { target: { value: 'renamed' } });
    await fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    await screen.findByRole('button', { name: 'Load renamed' });
    expect(JSON.parse(calls.find((c) => c.method === 'PUT')!.body!)).toEqual({ name: 'renamed' });
  });

  it('reports a failed save', async () => {
    mockFetch({
      'GET /api/v1/scripts': { scripts: [] },
      'POST /api/v1/scripts': json({ detail: [{ loc: ['body', 'name'], msg: 'too long', type: 'x' }] }, 422),
    });
    const { toasts } = await import('../../lib/stores/toasts.svelte');
    render(ScriptsPanel, props());
    await screen.findByText(/No saved scripts yet/);
    await fireEvent.input(screen.getByLabelText('Script name'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('save-script'));
    await vi.waitFor(() => expect(toasts.items.at(-1)?.message).toBe('Could not save: name: too long'));
  });
});
