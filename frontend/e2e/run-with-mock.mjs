// Runs the journeys against e2e/mock-server.mjs (needs `npm run build` first): a check of the SPA on
// its own while the real backend is not there. CI runs `npm run e2e` against the real jar instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const port = Number(process.env.MOCK_PORT ?? 18090);
const root = fileURLToPath(new URL('..', import.meta.url));
const mock = spawn(process.execPath, ['e2e/mock-server.mjs', String(port)], { cwd: root, stdio: 'inherit' });

async function waitUp() {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('mock server did not start');
}

let code = 1;
try {
  await waitUp();
  const tests = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', ...process.argv.slice(2), 'e2e/'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, SANDPOD_URL: `http://127.0.0.1:${port}`, SANDPOD_E2E_MOCK: '1' },
    },
  );
  code = await new Promise((r) => tests.on('exit', (c) => r(c ?? 1)));
} finally {
  mock.kill();
}
process.exit(code);
