// Prints what the first load of /editor transfers (gzipped JS + CSS): index.html's entry script and
// stylesheet, the modules they preload, the lazily loaded editor route with its static imports, and the
// Python language pack the editor shows first. Fails the build above the budget.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 500 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifestPath = join(dist, '.vite/manifest.json');
if (!existsSync(manifestPath)) {
  console.error('dist/.vite/manifest.json missing: run vite build first');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const files = new Set();
function walk(key, followDynamic) {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imp of chunk.imports ?? []) walk(imp, false);
  if (followDynamic)
    for (const dyn of chunk.dynamicImports ?? []) followDynamic(dyn) && walk(dyn, followDynamic);
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
walk(entry, null);
const editorKey = Object.keys(manifest).find((k) => k.endsWith('routes/Editor.svelte'));
if (editorKey) walk(editorKey, (dyn) => dyn.includes('lang-python') || dyn.includes('@lezer/python'));
const python = Object.keys(manifest).find((k) => k.includes('@codemirror/lang-python'));
if (python) walk(python, null);

let raw = 0;
let gz = 0;
const rows = [];
for (const f of files) {
  if (!/\.(js|css)$/.test(f)) continue;
  const buf = readFileSync(join(dist, f));
  const g = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += g;
  rows.push([f, buf.length, g]);
}
rows.sort((a, b) => b[2] - a[2]);
for (const [f, r, g] of rows)
  console.log(
    `  ${f.padEnd(48)} ${(r / 1024).toFixed(1).padStart(8)} KB ${(g / 1024).toFixed(1).padStart(8)} KB gz`,
  );
console.log(
  `First load of /editor: ${(gz / 1024).toFixed(1)} KB gzipped JS+CSS (${(raw / 1024).toFixed(1)} KB raw, ${rows.length} files; budget ${BUDGET / 1024} KB)`,
);

// The manifest is a build artefact for this report only; it is not served.
rmSync(join(dist, '.vite'), { recursive: true, force: true });
if (gz > BUDGET) {
  console.error('Over the first-load budget');
  process.exit(1);
}
