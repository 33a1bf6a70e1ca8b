// ANSI SGR colours → styled text segments. Output of untrusted programs is never turned into HTML:
// a segment is plain text plus a fixed set of class names and, for 256/true colours, an rgb() string
// built from numbers only. Every other escape sequence (cursor moves, OSC titles, hyperlinks) is
// dropped, and stray control characters are removed.

export interface AnsiStyle {
  fg: string | null; // 'ansi-fg-0'..'ansi-fg-15' or null
  bg: string | null;
  fgRgb: string | null; // 'rgb(r, g, b)'
  bgRgb: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strike: boolean;
}

export interface AnsiSegment extends AnsiStyle {
  text: string;
}

const plain = (): AnsiStyle => ({
  fg: null,
  bg: null,
  fgRgb: null,
  bgRgb: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
});

// CSI (ESC [ … final byte), OSC (ESC ] … BEL | ESC \), other two-byte escapes, and 8-bit CSI.
// eslint-disable-next-line no-control-regex
const ESCAPE =
  /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[PX^_][\s\S]*?(?:\x1b\\|$)|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]/g;
// C0 controls except tab, newline and carriage return, plus DEL.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

const CUBE = [0, 95, 135, 175, 215, 255];

export function color256(n: number): string | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return null; // handled as a palette class
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]}, ${CUBE[Math.floor(i / 6) % 6]}, ${CUBE[i % 6]})`;
}

function byte(v: number | undefined): number | null {
  return v !== undefined && Number.isInteger(v) && v >= 0 && v <= 255 ? v : null;
}

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const s = { ...style };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.assign(s, plain());
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 9) s.strike = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c === 27) s.inverse = false;
    else if (c === 29) s.strike = false;
    else if (c >= 30 && c <= 37) [s.fg, s.fgRgb] = [`ansi-fg-${c - 30}`, null];
    else if (c >= 90 && c <= 97) [s.fg, s.fgRgb] = [`ansi-fg-${c - 90 + 8}`, null];
    else if (c === 39) [s.fg, s.fgRgb] = [null, null];
    else if (c >= 40 && c <= 47) [s.bg, s.bgRgb] = [`ansi-bg-${c - 40}`, null];
    else if (c >= 100 && c <= 107) [s.bg, s.bgRgb] = [`ansi-bg-${c - 100 + 8}`, null];
    else if (c === 49) [s.bg, s.bgRgb] = [null, null];
    else if (c === 38 || c === 48) {
      const fg = c === 38;
      let cls: string | null = null;
      let rgb: string | null = null;
      if (codes[i + 1] === 5) {
        const n = byte(codes[i + 2]);
        if (n !== null) {
          if (n < 16) cls = `ansi-${fg ? 'fg' : 'bg'}-${n}`;
          else rgb = color256(n);
        }
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
        if (r !== null && g !== null && b !== null) rgb = `rgb(${r}, ${g}, ${b})`;
        i += 4;
      } else {
        break; // malformed: ignore the rest of this sequence
      }
      if (fg) [s.fg, s.fgRgb] = [cls, rgb];
      else [s.bg, s.bgRgb] = [cls, rgb];
    }
  }
  return s;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a.fg === b.fg &&
    a.bg === b.bg &&
    a.fgRgb === b.fgRgb &&
    a.bgRgb === b.bgRgb &&
    a.bold === b.bold &&
    a.dim === b.dim &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.inverse === b.inverse &&
    a.strike === b.strike
  );
}

/** Splits text into styled segments; the concatenated `text` fields are the visible characters. */
export function parseAnsi(input: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style = plain();
  let last = 0;
  const push = (text: string) => {
    const clean = text.replace(CONTROLS, '');
    if (!clean) return;
    const prev = segments[segments.length - 1];
    if (prev && sameStyle(prev, style)) prev.text += clean;
    else segments.push({ ...style, text: clean });
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(input); m; m = ESCAPE.exec(input)) {
    push(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[3] === 'm' && m[2] === '' && !/[<=>?]/.test(m[1] ?? '')) style = applySgr(style, m[1] ?? '');
    if (m[0].length === 0) ESCAPE.lastIndex++;
  }
  push(input.slice(last));
  return segments;
}

/** The visible text only: what "copy output" and the tests compare against. */
export function stripAnsi(input: string): string {
  return parseAnsi(input)
    .map((s) => s.text)
    .join('');
}

export function segmentClasses(s: AnsiStyle): string {
  const out: string[] = [];
  let fg = s.fg;
  let bg = s.bg;
  if (s.inverse) {
    fg = s.bg ? s.bg.replace('bg', 'fg') : 'ansi-fg-inverse';
    bg = s.fg ? s.fg.replace('fg', 'bg') : 'ansi-bg-inverse';
  }
  if (fg) out.push(fg);
  if (bg) out.push(bg);
  if (s.bold) out.push('ansi-bold');
  if (s.dim) out.push('ansi-dim');
  if (s.italic) out.push('ansi-italic');
  if (s.underline) out.push('ansi-underline');
  if (s.strike) out.push('ansi-strike');
  return out.join(' ');
}

export function segmentStyle(s: AnsiStyle): string {
  const fg = s.inverse ? s.bgRgb : s.fgRgb;
  const bg = s.inverse ? s.fgRgb : s.bgRgb;
  // Only rgb() strings built above from integers reach the style attribute.
  return [fg ? `color: ${fg}` : '', bg ? `background-color: ${bg}` : ''].filter(Boolean).join('; ');
}
