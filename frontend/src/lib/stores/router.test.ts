import { describe, expect, it } from 'vitest';
import { router, safeNext } from './router.svelte';

describe('router', () => {
  it('only follows same-app paths after login', () => {
    expect(safeNext('/settings')).toBe('/settings');
    expect(safeNext('/notifications?x=1')).toBe('/notifications?x=1');
    expect(safeNext('//evil.example')).toBe('/editor');
    expect(safeNext('https://evil.example')).toBe('/editor');
    expect(safeNext('/\\evil.example')).toBe('/editor');
    expect(safeNext('/api/v1/auth/logout')).toBe('/editor');
    expect(safeNext('/login')).toBe('/editor');
    expect(safeNext(null)).toBe('/editor');
  });

  it('navigates with the history API', () => {
    router.navigate('/settings?tab=editor');
    expect(window.location.pathname).toBe('/settings');
    expect(router.path).toBe('/settings');
    expect(router.query.get('tab')).toBe('editor');
    router.navigate('/editor/', { replace: true });
    expect(router.path).toBe('/editor');
  });

  it('intercepts plain clicks on app links but not on /api or new-tab links', () => {
    const stop = router.start();
    router.navigate('/');
    document.body.innerHTML = '<a id="a" href="/notifications">n</a><a id="b" href="/api/v1/x">api</a>';
    document.getElementById('a')!.click();
    expect(router.path).toBe('/notifications');
    const apiClick = new MouseEvent('click', { bubbles: true, cancelable: true });
    document.getElementById('b')!.dispatchEvent(apiClick);
    expect(apiClick.defaultPrevented).toBe(false);
    const ctrl = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    document.getElementById('a')!.dispatchEvent(ctrl);
    expect(ctrl.defaultPrevented).toBe(false);
    stop();
    document.body.innerHTML = '';
  });
});
