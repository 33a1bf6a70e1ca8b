import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../../test/fakes';
import AccessTokens from './AccessTokens.svelte';

afterEach(() => {
  vi.unstubAllGlobals();
});

const listed = {
  token_id: 't1',
  name: 'ci',
  scopes: ['execute'],
  created_at: '2026-01-01T00:00:00Z',
  expires_at: null,
};

describe('AccessTokens', () => {
  it('creates a token, shows its secret once with a copy button, and lists it', async () => {
    let tokens: unknown[] = [];
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const { calls } = mockFetch({
      'GET /api/v1/user/tokens': () => json({ tokens }),
      'POST /api/v1/user/tokens': () => {
        tokens = [listed];
        return json(
          { token_id: 't1', name: 'ci', scopes: ['execute'], expires_at: null, token: 'sp_t1.secret' },
          201,
        );
      },
    });
    render(AccessTokens);
    await screen.findByText('No tokens yet.');
    expect(screen.queryByLabelText(/admin/)).toBeNull();
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByTestId('new-token-secret')).toHaveProperty('textContent', 'sp_t1.secret');
    const post = calls.find((c) => c.method === 'POST');
    expect(JSON.parse(post!.body!)).toEqual({ name: 'ci', scopes: ['execute'] });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('sp_t1.secret');
    await waitFor(() => expect(screen.getByText('never expires')).toBeTruthy());
  });

  it('revokes a token and forgets it', async () => {
    let tokens: unknown[] = [listed];
    const { calls } = mockFetch({
      'GET /api/v1/user/tokens': () => json({ tokens }),
      'DELETE /api/v1/user/tokens/t1': () => {
        tokens = [];
        return new Response(null, { status: 204 });
      },
    });
    render(AccessTokens, { isAdmin: true });
    await fireEvent.click(await screen.findByRole('button', { name: 'Revoke ci' }));
    await screen.findByText('No tokens yet.');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
    expect(screen.getByText('admin')).toBeTruthy();
  });

  it('shows why a token was refused', async () => {
    mockFetch({
      'GET /api/v1/user/tokens': json({ tokens: [] }),
      'POST /api/v1/user/tokens': json(
        { detail: 'expires_at must be in the future', type: 'ValidationError' },
        422,
      ),
    });
    render(AccessTokens);
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'old' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect((await screen.findByRole('alert')).textContent).toContain('expires_at must be in the future');
  });
});
