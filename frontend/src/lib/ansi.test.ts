import { describe, expect, it } from 'vitest';
import { color256, parseAnsi, segmentClasses, segmentStyle, stripAnsi } from './ansi';

describe('parseAnsi', () => {
  it('keeps plain text as one segment', () => {
    const segs = parseAnsi('hello\nworld\n');
    expect(segs).toHaveLength(1);
    expect(segs[0].text).toBe('hello\nworld\n');
    expect(segmentClasses(segs[0])).toBe('');
  });

  it('colours text and resets', () => {
    const segs = parseAnsi('\x1b[31mred\x1b[0m plain \x1b[1;92mbold green\x1b[m');
    expect(segs.map((s) => [s.text, segmentClasses(s)])).toEqual([
      ['red', 'ansi-fg-1'],
      [' plain ', ''],
      ['bold green', 'ansi-fg-10 ansi-bold'],
    ]);
  });

  it('handles backgrounds, 256 colours and true colour', () => {
    const [a, b, c, d] = parseAnsi('\x1b[44ma\x1b[0;38;5;196mb\x1b[38;5;3mc\x1b[0;48;2;10;20;30md');
    expect(segmentClasses(a)).toBe('ansi-bg-4');
    expect(segmentStyle(b)).toBe('color: rgb(255, 0, 0)');
    expect(segmentClasses(c)).toBe('ansi-fg-3');
    expect(segmentStyle(d)).toBe('background-color: rgb(10, 20, 30)');
  });

  it('ignores out-of-range and malformed colour codes', () => {
    const segs = parseAnsi('\x1b[38;2;999;0;0mx\x1b[38;5mY');
    expect(segs.map((s) => segmentStyle(s))).toEqual(['']);
    expect(stripAnsi('\x1b[38;2;999;0;0mx\x1b[38;5mY')).toBe('xY');
  });

  it('drops cursor movement, OSC titles and hyperlinks but keeps their visible text', () => {
    const input =
      'a\x1b[2K\x1b[1Ab\x1b]0;title\x07c\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\d\x1b(B';
    expect(stripAnsi(input)).toBe('abclinkd');
  });

  it('removes stray control characters but keeps tabs and newlines', () => {
    expect(stripAnsi('a\x00b\x07c\td\r\ne\x7f')).toBe('abc\td\r\ne');
  });

  it('never produces markup: angle brackets stay text', () => {
    const segs = parseAnsi('\x1b[31m<img src=x onerror=alert(1)>\x1b[0m<script>alert(2)</script>');
    expect(segs.map((s) => s.text).join('')).toBe('<img src=x onerror=alert(1)><script>alert(2)</script>');
  });

  it('inverse swaps foreground and background', () => {
    const [s] = parseAnsi('\x1b[7;31mx');
    expect(segmentClasses(s)).toBe('ansi-fg-inverse ansi-bg-1');
  });

  it('merges neighbours with the same style', () => {
    expect(parseAnsi('\x1b[32ma\x1b[32mb')).toHaveLength(1);
  });

  it('maps the 256-colour cube and grey ramp', () => {
    expect(color256(16)).toBe('rgb(0, 0, 0)');
    expect(color256(231)).toBe('rgb(255, 255, 255)');
    expect(color256(232)).toBe('rgb(8, 8, 8)');
    expect(color256(5)).toBeNull();
    expect(color256(300)).toBeNull();
  });

  it('copes with a megabyte of output', () => {
    const big = '\x1b[32mok\x1b[0m line\n'.repeat(60_000);
    const t = performance.now();
    expect(stripAnsi(big).length).toBe('ok line\n'.length * 60_000);
    expect(performance.now() - t).toBeLessThan(3000);
  });
});
