// A small history router: the app has a handful of routes, so a dependency would be more code than this.
// It only knows the address; which page a path is, and who may open it, is in src/routes/table.ts.

/** Only same-origin app paths are followed after login; anything else goes to the editor. */
export function safeNext(next: string | null | undefined, fallback = '/editor'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/api/') || next === '/login' || next === '/register') return fallback;
  return next;
}

class Router {
  path = $state('/');
  search = $state('');

  constructor() {
    if (typeof window !== 'undefined') this.sync();
  }

  get query(): URLSearchParams {
    return new URLSearchParams(this.search);
  }

  sync(): void {
    const p = window.location.pathname.replace(/\/+$/, '');
    this.path = p === '' ? '/' : p;
    this.search = window.location.search;
  }

  navigate(to: string, options: { replace?: boolean } = {}): void {
    const url = new URL(to, window.location.origin);
    if (url.origin !== window.location.origin) return;
    const target = url.pathname + url.search + url.hash;
    if (target === window.location.pathname + window.location.search + window.location.hash) {
      this.sync();
      return;
    }
    if (options.replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
    this.sync();
    if (!options.replace) window.scrollTo?.(0, 0);
  }

  /** Follows plain clicks on same-origin links inside the app without a page load. */
  start(): () => void {
    const onPop = () => this.sync();
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || anchor.hasAttribute('download') || anchor.target === '_blank') return;
      if (anchor.hasAttribute('data-external')) return;
      const href = anchor.getAttribute('href');
      if (!href || href.startsWith('#')) return;
      const url = new URL(href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.navigate(url.pathname + url.search + url.hash);
    };
    window.addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }
}

export const router = new Router();
