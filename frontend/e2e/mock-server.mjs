// A stand-in for the Sandpod app, for developing the SPA and its journeys while the backend is being
// built: serves dist/ with the SPA fallback and answers the API's endpoints (docs/api/openapi.json) in memory. Code is
// never executed: runs are simulated from what the script prints. Not used by the Maven build.
//   node e2e/mock-server.mjs [port]       (default 18090; SANDPOD_MOCK_MISSING=scripts,notifications
//                                          makes those APIs answer 404, to see the unavailable states)
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const PORT = Number(process.argv[2] ?? process.env.PORT ?? 18090);
const MISSING = new Set((process.env.SANDPOD_MOCK_MISSING ?? '').split(',').filter(Boolean));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

const users = new Map(); // username → user
const sessions = new Map(); // token → {username, csrf}
const executions = new Map();
const scripts = new Map();
const notifications = new Map();
const settings = new Map();
const history = new Map();
const notificationStreams = new Map(); // username → Set<res>

const now = () => new Date().toISOString();

function addUser(username, password, role = 'user') {
  users.set(username, {
    username,
    password,
    email: `${username}@example.org`,
    role,
    is_active: true,
    user_id: randomUUID(),
    is_superuser: role === 'admin',
    created_at: now(),
    updated_at: now(),
    bypass_rate_limit: false,
    global_multiplier: 1,
    has_custom_limits: false,
  });
}
addUser('user', 'user123');
addUser('admin', 'admin123', 'admin');

const publicUser = ({ password: _p, ...u }) => u;

const EXAMPLES = {
  python:
    'import sys\nruntime = {"lang": "Python", "version": sys.version_info[:2]}\nmatch runtime:\n    case {"lang": lang, "version": (major, minor)}:\n        print(f"Hello from a {lang} {major}.{minor} sandbox!")\n',
  node: 'console.log(`Hello from a Node.js ${process.versions.node} sandbox!`);\nconsole.log([1, 2, 3].at(-1));\n',
  ruby: 'puts "Hello from a Ruby #{RUBY_VERSION} sandbox!"\n',
  bash: 'echo "Hello from a Bash ${BASH_VERSION} sandbox!"\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello from a Go sandbox!")\n}\n',
};

function send(res, status, body, headers = {}) {
  const data = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(status === 204 ? undefined : data);
}

const err = (res, status, detail, type) => send(res, status, { detail, type });

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return null;
  }
}

/** What the script would print, in order, with the pauses of its sleeps: [{at, stream, data}]. */
function simulate(script, version) {
  const steps = [];
  let at = 0;
  let exit = 0;
  const example = Object.entries(EXAMPLES).find(([, s]) => s.trim() === script.trim());
  if (example) {
    const label = { python: 'Python', node: 'Node.js', ruby: 'Ruby', bash: 'Bash', go: 'Go' }[example[0]];
    return {
      steps: [{ at: 60, stream: 'stdout', data: `Hello from a ${label} ${version} sandbox!\n` }],
      exit,
      end: 200,
    };
  }
  for (const line of script.split('\n')) {
    const m = line.match(/(?:print|console\.log|puts|echo|fmt\.Println)\s*\(?\s*f?["'`](.*?)["'`]/);
    const s = line.match(/(?:time\.sleep|sleep)\s*\(?\s*(\d+(?:\.\d+)?)/);
    if (s) at += Number(s[1]) * 1000;
    if (m)
      steps.push({
        at: (at += 60),
        stream: line.includes('sys.stderr') ? 'stderr' : 'stdout',
        data: `${m[1].replace(/\\x1b|\\033|\\u001b/g, '\x1b')}\n`,
      });
    if (/^\s*1\s*\/\s*0/.test(line) || /^\s*raise\b/.test(line)) {
      const tb =
        'Traceback (most recent call last):\n  File "/sandbox/main.py", line 4, in <module>\nZeroDivisionError: division by zero\n';
      steps.push({ at: (at += 60), stream: 'stderr', data: tb });
      exit = 1;
      break;
    }
  }
  return { steps, exit, end: at + 150 };
}

function resultOf(ex) {
  return {
    execution_id: ex.id,
    status: ex.status,
    stdout: ex.stdout,
    stderr: ex.stderr,
    lang: ex.lang,
    lang_version: ex.lang_version,
    resource_usage: ex.usage,
    exit_code: ex.exit_code,
    error_type: ex.error_type,
    priority: 'normal',
    created_at: ex.created_at,
    updated_at: now(),
    stdout_truncated: false,
    stderr_truncated: false,
  };
}

function emit(ex, frame) {
  const f = {
    execution_id: ex.id,
    timestamp: now(),
    event_id: String(ex.frames.length + 1),
    status: ex.status,
    result: null,
    ...frame,
  };
  ex.frames.push(f);
  for (const res of ex.listeners) writeFrame(res, f);
}

function writeFrame(res, f) {
  res.write(`id: ${f.event_id}\ndata: ${JSON.stringify(f)}\n\n`);
  if (f.event_type === 'result_stored') res.end();
}

function notify(username, subject, severity, tags) {
  const n = {
    notification_id: randomUUID(),
    channel: 'in_app',
    status: 'delivered',
    subject,
    body: '',
    action_url: '/editor',
    created_at: now(),
    read_at: null,
    severity,
    tags,
    owner: username,
  };
  notifications.set(n.notification_id, n);
  const { owner: _o, ...pub } = n;
  for (const res of notificationStreams.get(username) ?? [])
    res.write(`event: notification\ndata: ${JSON.stringify(pub)}\n\n`);
}

function finish(ex, status, errorType = null) {
  if (['completed', 'failed', 'timeout', 'cancelled', 'error'].includes(ex.status)) return;
  for (const t of ex.timers) clearTimeout(t);
  ex.status = status;
  ex.error_type = errorType;
  ex.exit_code = status === 'cancelled' ? null : ex.sim.exit;
  ex.usage = {
    execution_time_wall_seconds: (Date.now() - ex.startedAt) / 1000,
    cpu_time_jiffies: 2,
    clk_tck_hertz: 100,
    peak_memory_kb: 9320,
  };
  emit(ex, { event_type: `execution_${status}` });
  emit(ex, { event_type: 'result_stored', result: resultOf(ex) });
  notify(ex.owner, `Execution ${ex.id.slice(0, 8)} ${status}`, status === 'completed' ? 'medium' : 'high', [
    'execution',
    status,
  ]);
}

function startExecution(owner, body) {
  const ex = {
    id: randomUUID(),
    owner,
    status: 'queued',
    lang: body.lang ?? 'python',
    lang_version: body.lang_version ?? '3.11',
    stdout: '',
    stderr: '',
    exit_code: null,
    error_type: null,
    usage: null,
    created_at: now(),
    startedAt: Date.now(),
    frames: [],
    listeners: new Set(),
    timers: [],
  };
  ex.sim = simulate(body.script, ex.lang_version);
  executions.set(ex.id, ex);
  const at = (ms, fn) => ex.timers.push(setTimeout(fn, ms));
  emit(ex, { event_type: 'execution_queued' });
  at(120, () => ((ex.status = 'scheduled'), emit(ex, { event_type: 'execution_scheduled' })));
  at(250, () => {
    ex.status = 'running';
    emit(ex, { event_type: 'execution_started' });
    for (const step of ex.sim.steps) {
      at(step.at, () => {
        ex[step.stream] += step.data;
        emit(ex, { event_type: 'output', stream: step.stream, data: step.data });
      });
    }
    at(ex.sim.end, () => finish(ex, 'completed'));
  });
  return ex;
}

function defaultSettings(user) {
  return {
    user_id: user.user_id,
    theme: 'auto',
    timezone: 'UTC',
    date_format: 'YYYY-MM-DD',
    time_format: '24h',
    notifications: {
      execution_completed: true,
      execution_failed: true,
      system_updates: true,
      security_alerts: true,
      channels: ['in_app'],
    },
    editor: { font_size: 14, tab_size: 4, use_tabs: false, word_wrap: true, show_line_numbers: true },
    custom_settings: {},
    version: 1,
    created_at: now(),
    updated_at: now(),
  };
}

function changeSettings(username, field, value) {
  const s = settings.get(username);
  const old = structuredClone(s[field]);
  s[field] = value;
  s.version += 1;
  s.updated_at = now();
  history.get(username).unshift({
    timestamp: now(),
    event_type: 'user_settings_updated',
    field,
    old_value: old,
    new_value: value,
    reason: null,
    snapshot: structuredClone(s),
  });
  return s;
}

async function api(req, res, url) {
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const method = req.method;
  const c = cookies(req);
  const session = sessions.get(c.access_token);
  const user = session && users.get(session.username);
  const mutating = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

  if (method === 'POST' && path === '/auth/register') {
    const b = await readBody(req);
    if (!b?.username || !b?.email || !b?.password) {
      return send(res, 422, {
        detail: [{ loc: ['body', 'username'], msg: 'Field required', type: 'missing' }],
      });
    }
    if (b.password.length < 8) {
      return send(res, 422, {
        detail: [
          {
            loc: ['body', 'password'],
            msg: 'String should have at least 8 characters',
            type: 'string_too_short',
          },
        ],
      });
    }
    if (users.has(b.username)) return err(res, 409, 'Username already registered', 'Conflict');
    addUser(b.username, b.password);
    users.get(b.username).email = b.email;
    return send(res, 200, publicUser(users.get(b.username)));
  }
  if (method === 'POST' && path === '/auth/login') {
    const b = await readBody(req);
    const u = users.get(b?.username);
    if (!u || u.password !== b.password) return err(res, 401, 'Invalid credentials', 'AuthenticationError');
    const token = randomUUID();
    const csrf = randomUUID();
    sessions.set(token, { username: u.username, csrf });
    return send(
      res,
      200,
      { message: 'Login successful', username: u.username, role: u.role, csrf_token: csrf },
      {
        'set-cookie': [
          `access_token=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600`,
          `csrf_token=${csrf}; SameSite=Strict; Path=/; Max-Age=3600`,
        ],
      },
    );
  }
  if (!user) return err(res, 401, 'Not authenticated', 'AuthenticationError');
  if (mutating && req.headers['x-csrf-token'] !== session.csrf)
    return err(res, 403, 'CSRF validation failed', 'CSRFError');

  const area = path.split('/')[1];
  if (
    MISSING.has(area) ||
    (area === 'user' && MISSING.has('settings') && path.startsWith('/user/settings'))
  ) {
    return err(res, 404, 'Not Found', 'NotFound');
  }
  if (area === 'events' && MISSING.has('notifications') && path.includes('notifications'))
    return err(res, 404, 'Not Found', 'NotFound');

  if (method === 'GET' && path === '/auth/me') return send(res, 200, publicUser(user));
  if (method === 'POST' && path === '/auth/logout') {
    sessions.delete(c.access_token);
    return send(
      res,
      200,
      { message: 'Logout successful' },
      {
        'set-cookie': ['access_token=; Path=/; Max-Age=0', 'csrf_token=; Path=/; Max-Age=0'],
      },
    );
  }
  if (method === 'GET' && path === '/example-scripts') return send(res, 200, { scripts: EXAMPLES });
  if (method === 'GET' && path === '/k8s-limits') {
    return send(res, 200, {
      cpu_limit: '1000m',
      memory_limit: '128Mi',
      cpu_request: '1000m',
      memory_request: '128Mi',
      execution_timeout: 10,
      supported_runtimes: {
        python: { versions: ['3.11', '3.12'], file_ext: 'py' },
        node: { versions: ['20'], file_ext: 'js' },
        ruby: { versions: ['3.3'], file_ext: 'rb' },
        bash: { versions: ['5.2'], file_ext: 'sh' },
      },
      runtimes: [{ lang: 'go', version: '1.22', available: false, reason: 'no Go toolchain on this host' }],
    });
  }
  if (method === 'POST' && path === '/execute') {
    const b = await readBody(req);
    if (!b || typeof b.script !== 'string')
      return send(res, 422, {
        detail: [{ loc: ['body', 'script'], msg: 'Field required', type: 'missing' }],
      });
    const ex = startExecution(user.username, b);
    return send(res, 200, { execution_id: ex.id, status: 'queued' });
  }
  let m;
  if ((m = path.match(/^\/executions\/([^/]+)\/(result|cancel)$/))) {
    const ex = executions.get(m[1]);
    if (!ex) return err(res, 404, 'Execution not found', 'NotFound');
    if (ex.owner !== user.username) return err(res, 403, 'Access denied', 'Forbidden');
    if (m[2] === 'result') return send(res, 200, resultOf(ex));
    if (ex.status === 'cancelled')
      return send(res, 200, {
        execution_id: ex.id,
        status: 'already_cancelled',
        message: 'Already cancelled',
        event_id: null,
      });
    if (['completed', 'failed', 'timeout', 'error'].includes(ex.status))
      return err(res, 400, `Cannot cancel execution in ${ex.status} state`, 'BadRequest');
    setTimeout(() => finish(ex, 'cancelled'), 100);
    return send(res, 200, {
      execution_id: ex.id,
      status: 'cancellation_requested',
      message: 'Cancellation requested',
      event_id: randomUUID(),
    });
  }
  if ((m = path.match(/^\/events\/executions\/([^/]+)$/))) {
    const ex = executions.get(m[1]);
    if (!ex) return err(res, 404, 'Execution not found', 'NotFound');
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const after = Number(req.headers['last-event-id'] ?? 0);
    res.write(
      `data: ${JSON.stringify({ event_type: 'status', execution_id: ex.id, timestamp: now(), event_id: null, status: ex.status, result: null })}\n\n`,
    );
    for (const f of ex.frames) if (Number(f.event_id) > after) writeFrame(res, f);
    if (!res.writableEnded) {
      ex.listeners.add(res);
      req.on('close', () => ex.listeners.delete(res));
    }
    return;
  }
  if (method === 'GET' && path === '/user/executions') {
    const list = [...executions.values()]
      .filter((e) => e.owner === user.username)
      .reverse()
      .map(resultOf);
    return send(res, 200, { executions: list, total: list.length, limit: 50, skip: 0, has_more: false });
  }

  if (path === '/scripts' && method === 'GET') {
    const list = [...scripts.values()]
      .filter((s) => s.owner === user.username)
      .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
    return send(res, 200, { scripts: list.map(({ owner: _o, ...s }) => s) });
  }
  if (path === '/scripts' && method === 'POST') {
    const b = await readBody(req);
    if (!b?.name || b.name.length > 100)
      return send(res, 422, {
        detail: [{ loc: ['body', 'name'], msg: 'Name must be 1–100 characters', type: 'value_error' }],
      });
    const s = {
      script_id: randomUUID(),
      name: b.name,
      script: b.script ?? '',
      lang: b.lang ?? 'python',
      lang_version: b.lang_version ?? '3.11',
      description: b.description ?? null,
      created_at: now(),
      updated_at: now(),
      owner: user.username,
    };
    scripts.set(s.script_id, s);
    const { owner: _o, ...pub } = s;
    return send(res, 200, pub);
  }
  if ((m = path.match(/^\/scripts\/([^/]+)$/))) {
    const s = scripts.get(m[1]);
    if (!s || s.owner !== user.username) return err(res, 404, 'Script not found', 'NotFound');
    if (method === 'DELETE') {
      scripts.delete(s.script_id);
      return send(res, 204);
    }
    if (method === 'PUT') {
      const b = await readBody(req);
      for (const k of ['name', 'script', 'lang', 'lang_version', 'description'])
        if (b?.[k] != null) s[k] = b[k];
      s.updated_at = now();
    }
    const { owner: _o, ...pub } = s;
    return send(res, 200, pub);
  }

  const mine = () => [...notifications.values()].filter((n) => n.owner === user.username).reverse();
  const unread = () => mine().filter((n) => !n.read_at).length;
  const pub = ({ owner: _o, ...n }) => n;
  if (method === 'GET' && path === '/notifications') {
    let list = mine();
    const include = url.searchParams.getAll('include_tags');
    const prefix = url.searchParams.get('tag_prefix');
    if (include.length) list = list.filter((n) => n.tags.some((t) => include.includes(t)));
    if (prefix) list = list.filter((n) => n.tags.some((t) => t.startsWith(prefix)));
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    return send(res, 200, {
      notifications: list.slice(offset, offset + limit).map(pub),
      total: list.length,
      unread_count: unread(),
    });
  }
  if (method === 'GET' && path === '/notifications/unread-count')
    return send(res, 200, { unread_count: unread() });
  if (method === 'POST' && path === '/notifications/mark-all-read') {
    for (const n of mine()) if (!n.read_at) Object.assign(n, { read_at: now(), status: 'read' });
    return send(res, 204);
  }
  if ((m = path.match(/^\/notifications\/([^/]+)(\/read)?$/))) {
    const n = notifications.get(m[1]);
    if (!n || n.owner !== user.username) return err(res, 404, 'Notification not found', 'NotFound');
    if (method === 'PUT' && m[2]) {
      Object.assign(n, { read_at: n.read_at ?? now(), status: 'read' });
      return send(res, 204);
    }
    if (method === 'DELETE') {
      notifications.delete(n.notification_id);
      return send(res, 200, { message: 'Notification deleted' });
    }
  }
  if (method === 'GET' && path === '/events/notifications/stream') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    if (!notificationStreams.has(user.username)) notificationStreams.set(user.username, new Set());
    notificationStreams.get(user.username).add(res);
    req.on('close', () => notificationStreams.get(user.username)?.delete(res));
    return;
  }

  if (path.startsWith('/user/settings')) {
    if (!settings.has(user.username)) {
      settings.set(user.username, defaultSettings(user));
      history.set(user.username, []);
    }
    const sub = path.replace(/^\/user\/settings\/?/, '');
    if (method === 'GET' && sub === '') return send(res, 200, settings.get(user.username));
    if (method === 'GET' && sub === 'history') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      return send(res, 200, {
        history: history
          .get(user.username)
          .slice(0, limit)
          .map(({ snapshot: _s, ...h }) => h),
        limit,
      });
    }
    const b = await readBody(req);
    if (method === 'PUT' && sub === 'theme') {
      if (!['light', 'dark', 'auto'].includes(b?.theme))
        return send(res, 422, {
          detail: [{ loc: ['body', 'theme'], msg: 'Input should be light, dark or auto', type: 'enum' }],
        });
      return send(res, 200, changeSettings(user.username, 'theme', b.theme));
    }
    if (method === 'PUT' && (sub === 'editor' || sub === 'notifications'))
      return send(res, 200, changeSettings(user.username, sub, b));
    if (method === 'POST' && sub === 'restore') {
      const t = Date.parse(b?.timestamp);
      const h = history.get(user.username).find((e) => Date.parse(e.timestamp) <= t);
      if (h) {
        const s = settings.get(user.username);
        for (const k of ['theme', 'editor', 'notifications'])
          changeSettings(user.username, k, structuredClone(h.snapshot[k]));
        return send(res, 200, s);
      }
      return send(res, 200, settings.get(user.username));
    }
  }
  return err(res, 404, 'Not Found', 'NotFound');
}

function serveStatic(req, res, url) {
  const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(DIST, rel);
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory())
    file = join(DIST, 'index.html');
  res.writeHead(200, {
    // The app's default policy (SecurityProperties.DEFAULT_CSP), so the journeys see what users get.
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; " +
      "form-action 'self'; frame-ancestors 'none'",
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(readFileSync(file));
}

createServer((req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (url.pathname.startsWith('/api/')) {
    api(req, res, url).catch((e) => err(res, 500, `mock error: ${e.message}`, 'InternalError'));
  } else serveStatic(req, res, url);
}).listen(PORT, '127.0.0.1', () =>
  console.log(`mock Sandpod on http://127.0.0.1:${PORT}${MISSING.size ? ` (missing: ${[...MISSING]})` : ''}`),
);
