import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../test/fakes';
import { session } from '../lib/stores/session.svelte';
import Login from './Login.svelte';
import Register from './Register.svelte';

afterEach(() => {
  vi.unstubAllGlobals();
  session.clear();
});

describe('Login', () => {
  it('checks the fields before asking the server', async () => {
    const { fn } = mockFetch({});
    render(Login);
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter your username')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');
    expect(fn).not.toHaveBeenCalled();
  });

  it('shows the server’s refusal', async () => {
    mockFetch({ 'POST /api/v1/auth/login': json({ detail: 'Invalid credentials', type: 'AuthError' }, 401) });
    render(Login);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password');
  });

  it('shows a lockout message as the server words it', async () => {
    mockFetch({
      'POST /api/v1/auth/login': json({ detail: 'Account locked for 15 minutes', type: 'Locked' }, 423),
    });
    render(Login);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Account locked for 15 minutes');
  });

  it('signs in', async () => {
    mockFetch({
      'POST /api/v1/auth/login': {
        message: 'Login successful',
        username: 'user',
        role: 'user',
        csrf_token: 't',
      },
      'GET /api/v1/auth/me': { username: 'user', role: 'user' },
    });
    render(Login);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'user123' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => expect(session.status).toBe('authenticated'));
  });
});

describe('Register', () => {
  it('validates every field on the client', async () => {
    const { fn } = mockFetch({});
    render(Register);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'x!' } });
    await fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'not-an-email' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'short' } });
    await fireEvent.input(screen.getByLabelText('Repeat password'), { target: { value: 'other' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByText('At least 3 characters')).toBeTruthy();
    expect(screen.getByText('That does not look like an email address')).toBeTruthy();
    expect(screen.getByText('At least 8 characters', { selector: '.field-error' })).toBeTruthy();
    expect(screen.getByText('The passwords do not match')).toBeTruthy();
    expect(fn).not.toHaveBeenCalled();
  });

  it('shows a taken username from the server next to the field', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/register': json({ detail: 'Username already registered', type: 'Conflict' }, 409),
    });
    render(Register);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'u@example.org' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'password1' } });
    await fireEvent.input(screen.getByLabelText('Repeat password'), { target: { value: 'password1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Username already registered');
    expect(JSON.parse(calls[0].body!)).toEqual({
      username: 'user',
      email: 'u@example.org',
      password: 'password1',
    });
  });
});
