import { describe, expect, it } from 'vitest';
import { validateLogin, validateRegister } from './validation';

const ok = {
  username: 'ada_l.ove-1',
  email: 'ada@example.org',
  password: 'longenough',
  confirm: 'longenough',
};

describe('register validation', () => {
  it('accepts a valid form', () => {
    expect(validateRegister(ok)).toEqual({});
  });

  it('checks the username rules (3–50 letters, digits, dot, dash or underscore)', () => {
    expect(validateRegister({ ...ok, username: 'ab' }).username).toMatch(/3/);
    expect(validateRegister({ ...ok, username: 'a'.repeat(51) }).username).toMatch(/50/);
    expect(validateRegister({ ...ok, username: 'bad name!' }).username).toMatch(/letters/);
  });

  it('checks email, password length and confirmation', () => {
    const errors = validateRegister({ username: 'ada', email: 'nope', password: 'short', confirm: 'other' });
    expect(Object.keys(errors).sort()).toEqual(['confirm', 'email', 'password']);
  });
});

describe('login validation', () => {
  it('needs both fields', () => {
    expect(validateLogin({ username: ' ', password: '' })).toEqual({
      username: 'Enter your username',
      password: 'Enter your password',
    });
  });
});
