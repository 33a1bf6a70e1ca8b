import { describe, expect, it } from 'vitest';
import type { ResourceLimits } from './api/types';
import { defaultVersion, fileExtension, langFromFilename, runtimeOptions, safeFileName } from './runtimes';

const limits = (over: Partial<ResourceLimits> = {}): ResourceLimits => ({
  cpu_limit: '1000m',
  memory_limit: '128Mi',
  cpu_request: '1000m',
  memory_request: '128Mi',
  execution_timeout: 10,
  supported_runtimes: {
    python: { versions: ['3.11'], file_ext: 'py' },
    node: { versions: ['20'], file_ext: 'js' },
  },
  ...over,
});

describe('runtimeOptions', () => {
  it('offers every known runtime while the server has not said', () => {
    const opts = runtimeOptions(null);
    expect(opts.map((o) => o.lang)).toEqual(['python', 'node', 'ruby', 'bash', 'go']);
    expect(opts.every((o) => o.versions.every((v) => v.available))).toBe(true);
  });

  it('enables what the server runs and disables the rest with a reason', () => {
    const opts = runtimeOptions(limits());
    const python = opts.find((o) => o.lang === 'python')!;
    expect(python.versions.find((v) => v.version === '3.11')).toEqual({
      version: '3.11',
      available: true,
      reason: null,
    });
    expect(python.versions.find((v) => v.version === '3.7')?.available).toBe(false);
    expect(python.versions.find((v) => v.version === '3.7')?.reason).toMatch(/not available/);
    expect(opts.find((o) => o.lang === 'go')!.available).toBe(false);
    expect(defaultVersion(python)).toBe('3.11');
  });

  it('uses the server’s own reasons when it lists them', () => {
    const opts = runtimeOptions(
      limits({
        runtimes: [{ lang: 'go', version: '1.22', available: false, reason: 'no go toolchain on the host' }],
      }),
    );
    const go = opts.find((o) => o.lang === 'go')!;
    expect(go.versions.find((v) => v.version === '1.22')?.reason).toBe('no go toolchain on the host');
  });

  it('sorts versions newest first', () => {
    const python = runtimeOptions(null).find((o) => o.lang === 'python')!;
    expect(python.versions.map((v) => v.version)).toEqual(['3.12', '3.11', '3.10', '3.9', '3.8', '3.7']);
  });

  it('includes languages only the server knows', () => {
    const opts = runtimeOptions(
      limits({ supported_runtimes: { lua: { versions: ['5.4'], file_ext: 'lua' } } }),
    );
    expect(opts.find((o) => o.lang === 'lua')?.available).toBe(true);
  });
});

describe('files', () => {
  it('detects the language from a file name', () => {
    expect(langFromFilename('main.py')).toBe('python');
    expect(langFromFilename('x.MJS')).toBe('node');
    expect(langFromFilename('run.sh')).toBe('bash');
    expect(langFromFilename('notes.txt')).toBeNull();
  });

  it('makes a safe file name with the right extension', () => {
    expect(safeFileName('My script', 'py')).toBe('My_script.py');
    expect(safeFileName('../../etc/passwd', 'sh')).toMatch(/^[^./\\][^/\\]*\.sh$/);
    expect(safeFileName('', 'go')).toBe('script.go');
    expect(safeFileName('hello.py', 'py')).toBe('hello.py');
    expect(fileExtension('ruby', null)).toBe('rb');
    expect(
      fileExtension('python', limits({ supported_runtimes: { python: { versions: [], file_ext: '.py' } } })),
    ).toBe('py');
  });
});
