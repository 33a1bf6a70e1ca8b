import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../lib/stores/session.svelte';
import { json, mockFetch, type Call } from '../../test/fakes';
import { adminUser, userFixture } from './fixtures';
import Users from './Users.svelte';

const alice = userFixture();
const bob = userFixture({ username: 'bob', email: 'bob@example.org', user_id: 'u-bob', is_active: false });
const list = (users: unknown[]) => ({ users, total: users.length, offset: 0, limit: 20 });
const body = (calls: Call[], method: string, path: string) =>
  JSON.parse(calls.find((c) => c.method === method && c.url.includes(path))!.body!);

afterEach(() => {
  vi.unstubAllGlobals();
  session.clear();
});

async function row(name: string) {
  const r = await screen.findByText(name, { selector: 'strong' });
  return within(r.closest('tr')!);
}

describe('Admin users page', () => {
  it('lists users and searches and filters by role on the server', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/admin/users/': list([adminUser, alice, bob]) });
    session.user = adminUser as never;
    render(Users);
    await row('alice');
    expect(screen.getAllByTestId('user-row')).toHaveLength(3);
    // Your own account cannot be deleted or deactivated from here.
    expect((await row('admin')).queryByRole('button', { name: 'Delete admin' })).toBeNull();
    expect((await row('bob')).getByText('inactive')).toBeTruthy();

    await fireEvent.input(screen.getByLabelText('Search name or email'), { target: { value: 'ali' } });
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes('search=ali'))).toBe(true));
    await fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'admin' } });
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes('role=admin'))).toBe(true));
  });

  it('pages through a long list', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': () => json({ users: [alice], total: 45, offset: 0, limit: 20 }),
    });
    render(Users);
    await row('alice');
    expect(screen.getByText(/1–20/).textContent).toMatch(/of 45/);
    await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes('offset=20'))).toBe(true));
  });

  it('creates a user after checking the form', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'POST /api/v1/admin/users/': userFixture({ username: 'carol', user_id: 'u-carol' }),
    });
    render(Users);
    await row('alice');
    await fireEvent.click(screen.getByTestId('create-user'));
    const form = within(screen.getByTestId('user-form'));
    await fireEvent.click(form.getByRole('button', { name: 'Create user' }));
    expect(form.getByText(/Enter an email address/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await fireEvent.input(form.getByLabelText('Username'), { target: { value: 'carol' } });
    await fireEvent.input(form.getByLabelText('Email'), { target: { value: 'carol@example.org' } });
    await fireEvent.input(form.getByLabelText('Password'), { target: { value: 'long-enough-1' } });
    await fireEvent.change(form.getByLabelText('Role'), { target: { value: 'moderator' } });
    await fireEvent.click(form.getByRole('button', { name: 'Create user' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(body(calls, 'POST', '/admin/users/')).toEqual({
      username: 'carol',
      email: 'carol@example.org',
      password: 'long-enough-1',
      role: 'moderator',
      is_active: true,
    });
  });

  it('shows the server’s refusal in the form', async () => {
    mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'POST /api/v1/admin/users/': json({ detail: 'Username already exists', type: 'Conflict' }, 409),
    });
    render(Users);
    await row('alice');
    await fireEvent.click(screen.getByTestId('create-user'));
    const form = within(screen.getByTestId('user-form'));
    await fireEvent.input(form.getByLabelText('Username'), { target: { value: 'alice' } });
    await fireEvent.input(form.getByLabelText('Email'), { target: { value: 'a2@example.org' } });
    await fireEvent.input(form.getByLabelText('Password'), { target: { value: 'long-enough-1' } });
    await fireEvent.click(form.getByRole('button', { name: 'Create user' }));
    expect(await form.findByText('Username already exists')).toBeTruthy();
  });

  it('edits a user', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'PUT /api/v1/admin/users/u-alice': userFixture({ role: 'moderator' }),
    });
    render(Users);
    await (await row('alice')).getByRole('button', { name: 'Edit alice' }).click();
    const form = within(await screen.findByTestId('user-form'));
    expect((form.getByLabelText('Email') as HTMLInputElement).value).toBe('alice@example.org');
    await fireEvent.change(form.getByLabelText('Role'), { target: { value: 'moderator' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(body(calls, 'PUT', '/admin/users/u-alice')).toEqual({
      username: 'alice',
      email: 'alice@example.org',
      role: 'moderator',
      is_active: true,
    });
  });

  it('deactivates only after confirmation', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'PUT /api/v1/admin/users/u-alice': userFixture({ is_active: false }),
    });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Deactivate alice' }));
    const dialog = screen.getByRole('dialog', { name: 'Deactivate alice?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Deactivate alice' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Deactivate alice?' })).getByRole('button', {
        name: 'Deactivate',
      }),
    );
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(body(calls, 'PUT', '/admin/users/u-alice')).toEqual({ is_active: false });
  });

  it('deletes with a cascade confirmation that shows the counts the server reports', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'GET /api/v1/admin/users/u-alice/overview': {
        user: alice,
        stats: { total_events: 42 },
        derived_counts: { succeeded: 5, failed: 2, timeout: 0, cancelled: 0, terminal_total: 7 },
        rate_limit_summary: { bypass_rate_limit: false, global_multiplier: 1, has_custom_limits: false },
        recent_events: [],
      },
      'DELETE /api/v1/admin/users/u-alice': {
        user_deleted: true,
        executions: 7,
        saved_scripts: 2,
        notifications: 9,
        user_settings: 1,
        events: 42,
        sagas: 7,
      },
    });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Delete alice' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete alice?' });
    await vi.waitFor(() => expect(dialog.textContent).toMatch(/7 finished executions and 42 events/));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete user and data' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'DELETE')!.url).toMatch(/cascade=true/);
  });

  it('says so in the confirmation when the server cannot count what a deletion takes', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/admin/users/': list([alice]) });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Delete alice' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete alice?' });
    await vi.waitFor(() => expect(dialog.textContent).toMatch(/does not report how much data/));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  });

  it('unlocks and resets a password', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'POST /api/v1/admin/users/u-alice/unlock': {
        user_id: 'u-alice',
        message: 'User unlocked successfully',
      },
      'POST /api/v1/admin/users/u-alice/reset-password': { message: 'Password reset successfully' },
    });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Unlock alice' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/unlock'))).toBe(true));

    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Reset password of alice' }));
    const input = screen.getByLabelText('New password');
    await fireEvent.input(input, { target: { value: 'short' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Reset password' }));
    expect(screen.getByText(/At least 8 characters/)).toBeTruthy();
    await fireEvent.input(input, { target: { value: 'a-new-password' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Reset password' }));
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith('/reset-password'))).toBe(true));
    expect(body(calls, 'POST', '/reset-password')).toEqual({ new_password: 'a-new-password' });
  });

  it('sets per-user rate-limit overrides in a dialog', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'GET /api/v1/admin/rate-limits/u-alice': {
        user_id: 'u-alice',
        rate_limit_config: null,
        current_usage: { execution: { algorithm: 'sliding_window', remaining: 9 } },
      },
      'GET /api/v1/admin/rate-limits/defaults': [
        {
          endpoint_pattern: '^/api/v1/execute$',
          group: 'execution',
          requests: 10,
          window_seconds: 60,
          algorithm: 'sliding_window',
          burst_multiplier: 1.5,
          priority: 10,
          enabled: true,
        },
      ],
      'PUT /api/v1/admin/rate-limits/u-alice': { user_id: 'u-alice', updated: true, config: {} },
    });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Rate limits of alice' }));
    const form = within(await screen.findByTestId('rate-limit-form'));
    expect(form.getByText('9')).toBeTruthy();
    await fireEvent.input(form.getByLabelText(/Multiplier/), { target: { value: '3' } });
    await fireEvent.click(form.getByRole('button', { name: 'Add a rule' }));
    await fireEvent.input(form.getByLabelText('Requests'), { target: { value: '50' } });
    await fireEvent.input(form.getByLabelText('Notes (why)'), { target: { value: 'load test' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save limits' }));
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(body(calls, 'PUT', '/rate-limits/u-alice')).toMatchObject({
      bypass_rate_limit: false,
      global_multiplier: 3,
      notes: 'load test',
      rules: [
        { endpoint_pattern: '^/api/v1/execute$', group: 'execution', requests: 50, window_seconds: 60 },
      ],
    });
  });

  it('refuses a multiplier the server would refuse', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/admin/users/': list([alice]),
      'GET /api/v1/admin/rate-limits/u-alice': {
        user_id: 'u-alice',
        rate_limit_config: null,
        current_usage: {},
      },
    });
    render(Users);
    await fireEvent.click((await row('alice')).getByRole('button', { name: 'Rate limits of alice' }));
    const form = within(await screen.findByTestId('rate-limit-form'));
    await fireEvent.input(form.getByLabelText(/Multiplier/), { target: { value: '0' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save limits' }));
    expect(form.getByText(/greater than 0/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('shows "unavailable" when the server has no user administration', async () => {
    mockFetch({});
    render(Users);
    expect((await screen.findByTestId('unavailable')).textContent).toMatch(
      /User administration is unavailable/,
    );
  });
});
