import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../test/fakes';
import { router } from '../lib/stores/router.svelte';
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

  it('says it is busy while the server answers, then clears the password of a refused sign-in', async () => {
    let answer!: (r: Response) => void;
    mockFetch({ 'POST /api/v1/auth/login': () => new Promise<Response>((r) => (answer = r)) });
    render(Login);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const busy = await screen.findByRole('button', { name: 'Signing in…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    answer(json({ detail: 'Invalid credentials', type: 'AuthError' }, 401));
    expect((await screen.findByTestId('form-error')).textContent).toBe('Wrong username or password');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('user');
  });

  it('focuses the first field in error', async () => {
    mockFetch({});
    render(Login);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'user' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(document.activeElement?.id).toBe('login-password');
    expect(screen.getByLabelText('Password').getAttribute('aria-describedby')).toBe('login-password-error');
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
    expect(document.activeElement?.id).toBe('reg-username');
    expect(screen.getByLabelText('Username').getAttribute('aria-describedby')).toBe(
      'reg-username-hint reg-username-error',
    );
  });

  it('says it is busy while the account is created, then goes on to sign in', async () => {
    let answer!: (r: Response) => void;
    mockFetch({ 'POST /api/v1/auth/register': () => new Promise<Response>((r) => (answer = r)) });
    router.navigate('/register?next=%2Fsettings');
    render(Register);
    await fireEvent.input(screen.getByLabelText('Username'), { target: { value: 'newbie' } });
    await fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'n@example.org' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'password1' } });
    await fireEvent.input(screen.getByLabelText('Repeat password'), { target: { value: 'password1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    const busy = await screen.findByRole('button', { name: 'Creating account…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    answer(json({ user_id: 'u2', username: 'newbie', email: 'n@example.org', role: 'user' }, 201));
    await vi.waitFor(() => expect(router.path).toBe('/login'));
    expect(router.search).toBe('?registered=1&username=newbie&next=%2Fsettings');
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
