// Who is signed in. The cookie is HttpOnly, so the only way to know is to ask: GET /auth/me on start.
import { ApiError, onUnauthorized, rememberCsrfToken } from '../api/client';
import { auth } from '../api/endpoints';
import type { UserResponse } from '../api/types';

export type SessionStatus = 'unknown' | 'authenticated' | 'anonymous';

class Session {
  user = $state<UserResponse | null>(null);
  status = $state<SessionStatus>('unknown');
  /** The API did not answer when the session was checked: pages say so instead of going blank. */
  offline = $state(false);

  constructor() {
    onUnauthorized((path) => {
      if (path !== '/auth/login' && path !== '/auth/me' && this.status === 'authenticated') this.clear();
    });
  }

  async restore(): Promise<void> {
    try {
      this.user = await auth.me();
      this.status = 'authenticated';
      this.offline = false;
    } catch (e) {
      this.user = null;
      this.status = 'anonymous';
      this.offline = e instanceof ApiError && (e.status === 0 || e.status >= 500);
    }
  }

  async login(username: string, password: string): Promise<void> {
    const res = await auth.login(username, password);
    rememberCsrfToken(res.csrf_token);
    try {
      this.user = await auth.me();
    } catch {
      const now = new Date().toISOString();
      this.user = {
        username: res.username,
        email: '',
        role: res.role,
        is_active: true,
        user_id: '',
        is_superuser: res.role === 'admin',
        created_at: now,
        updated_at: now,
        bypass_rate_limit: null,
        global_multiplier: null,
        has_custom_limits: null,
      };
    }
    this.status = 'authenticated';
    this.offline = false;
  }

  async logout(): Promise<void> {
    try {
      await auth.logout();
    } finally {
      this.clear();
    }
  }

  clear(): void {
    this.user = null;
    this.status = 'anonymous';
    rememberCsrfToken(null);
  }
}

export const session = new Session();
