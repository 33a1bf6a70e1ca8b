// Client-side checks mirror the server's account rules (username 3–50 of [A-Za-z0-9_.-], a plausible
// email, a password of at least PASSWORD_MIN characters) so people hear about mistakes before a round
// trip; the server stays the authority (its messages are shown too).

export const USERNAME_RE = /^[A-Za-z0-9_.-]{3,50}$/;
// Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PASSWORD_MIN = 8;

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  confirm: string;
}

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export function validateUsername(username: string): string | null {
  const u = username.trim();
  if (!u) return 'Enter a username';
  if (u.length < 3) return 'At least 3 characters';
  if (u.length > 50) return 'At most 50 characters';
  if (!USERNAME_RE.test(u)) return 'Use letters, digits, dot, dash or underscore only';
  return null;
}

export function validateRegister(input: RegisterInput): FieldErrors<keyof RegisterInput> {
  const errors: FieldErrors<keyof RegisterInput> = {};
  const u = validateUsername(input.username);
  if (u) errors.username = u;
  if (!input.email.trim()) errors.email = 'Enter your email address';
  else if (!EMAIL_RE.test(input.email.trim())) errors.email = 'That does not look like an email address';
  if (!input.password) errors.password = 'Choose a password';
  else if (input.password.length < PASSWORD_MIN) errors.password = `At least ${PASSWORD_MIN} characters`;
  if (input.confirm !== input.password) errors.confirm = 'The passwords do not match';
  return errors;
}

export function validateLogin(input: {
  username: string;
  password: string;
}): FieldErrors<'username' | 'password'> {
  const errors: FieldErrors<'username' | 'password'> = {};
  if (!input.username.trim()) errors.username = 'Enter your username';
  if (!input.password) errors.password = 'Enter your password';
  return errors;
}
