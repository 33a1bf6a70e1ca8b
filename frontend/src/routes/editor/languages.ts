// Language packs are loaded on demand: the first visit to /editor fetches only the one it shows.
import type { Extension } from '@codemirror/state';

const cache = new Map<string, Promise<Extension>>();

async function load(lang: string): Promise<Extension> {
  switch (lang) {
    case 'python':
      return (await import('@codemirror/lang-python')).python();
    case 'node':
      return (await import('@codemirror/lang-javascript')).javascript();
    case 'go':
      return (await import('@codemirror/lang-go')).go();
    case 'ruby': {
      const [{ StreamLanguage }, { ruby }] = await Promise.all([
        import('@codemirror/language'),
        import('@codemirror/legacy-modes/mode/ruby'),
      ]);
      return StreamLanguage.define(ruby);
    }
    case 'bash': {
      const [{ StreamLanguage }, { shell }] = await Promise.all([
        import('@codemirror/language'),
        import('@codemirror/legacy-modes/mode/shell'),
      ]);
      return StreamLanguage.define(shell);
    }
    default:
      return [];
  }
}

export function loadLanguage(lang: string): Promise<Extension> {
  let p = cache.get(lang);
  if (!p) {
    p = load(lang).catch((e) => {
      cache.delete(lang);
      throw e;
    });
    cache.set(lang, p);
  }
  return p;
}
