import type { ResourceLimits } from './api/types';

/** What a server may offer (the runtime registry's defaults). The server's /k8s-limits says what it really runs. */
export const KNOWN_RUNTIMES: Record<string, { label: string; versions: string[]; file_ext: string }> = {
  python: { label: 'Python', versions: ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12'], file_ext: 'py' },
  node: { label: 'Node.js', versions: ['18', '20', '22'], file_ext: 'js' },
  ruby: { label: 'Ruby', versions: ['3.1', '3.2', '3.3'], file_ext: 'rb' },
  bash: { label: 'Bash', versions: ['5.1', '5.2', '5.3'], file_ext: 'sh' },
  go: { label: 'Go', versions: ['1.20', '1.21', '1.22'], file_ext: 'go' },
};

export interface VersionOption {
  version: string;
  available: boolean;
  reason: string | null;
}

export interface LanguageOption {
  lang: string;
  label: string;
  file_ext: string;
  available: boolean;
  versions: VersionOption[];
}

const NOT_ON_RUNNER = 'not available on this server';

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && Number.isFinite(d)) return d;
  }
  return a.localeCompare(b);
}

/**
 * Every language and version the picker shows: the server's supported runtimes enabled, the other
 * known (or server-listed) ones disabled with the reason. With no answer from the server, everything
 * known is offered as enabled: the server's 422 will say what it cannot run.
 */
export function runtimeOptions(limits: ResourceLimits | null): LanguageOption[] {
  const supported = limits?.supported_runtimes ?? null;
  const langs = new Set<string>([...Object.keys(KNOWN_RUNTIMES), ...Object.keys(supported ?? {})]);
  for (const r of limits?.runtimes ?? []) langs.add(r.lang);
  const options: LanguageOption[] = [];
  for (const lang of langs) {
    const known = KNOWN_RUNTIMES[lang];
    const served = supported?.[lang];
    const listed = (limits?.runtimes ?? []).filter((r) => r.lang === lang);
    const versions = new Map<string, VersionOption>();
    for (const v of known?.versions ?? []) {
      versions.set(v, {
        version: v,
        available: supported === null,
        reason: supported === null ? null : NOT_ON_RUNNER,
      });
    }
    for (const r of listed) {
      versions.set(r.version, {
        version: r.version,
        available: r.available,
        reason: r.available ? null : (r.reason ?? NOT_ON_RUNNER),
      });
    }
    for (const v of served?.versions ?? []) versions.set(v, { version: v, available: true, reason: null });
    const list = [...versions.values()].sort((a, b) => compareVersions(b.version, a.version));
    options.push({
      lang,
      label: known?.label ?? lang,
      file_ext: served?.file_ext ?? known?.file_ext ?? 'txt',
      available: list.some((v) => v.available),
      versions: list,
    });
  }
  return options;
}

/** The newest runnable version, or the first one listed. */
export function defaultVersion(option: LanguageOption | undefined): string {
  if (!option) return '';
  return (option.versions.find((v) => v.available) ?? option.versions[0])?.version ?? '';
}

const EXT_TO_LANG: Record<string, string> = {
  py: 'python',
  js: 'node',
  mjs: 'node',
  cjs: 'node',
  rb: 'ruby',
  sh: 'bash',
  bash: 'bash',
  go: 'go',
};

export function langFromFilename(name: string): string | null {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return EXT_TO_LANG[ext] ?? null;
}

export function fileExtension(lang: string, limits: ResourceLimits | null): string {
  const ext = limits?.supported_runtimes?.[lang]?.file_ext ?? KNOWN_RUNTIMES[lang]?.file_ext ?? 'txt';
  return ext.replace(/^\./, '');
}

export function safeFileName(name: string, ext: string): string {
  const base =
    name
      .trim()
      .replace(/[^A-Za-z0-9._ -]+/g, '_')
      .replace(/\s+/g, '_')
      .replace(/^\.+/, '') || 'script';
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base}.${ext}`;
}
