// wt-harness.mjs — the plumbing of the browser test (web/tests/browser.mjs): checks and their report,
// the throw-away store made with the citystar CLI, the server on a free loopback port, headless Chromium
// with one context per login, and every console error, warning and page error of the whole run.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export const STEP_TIMEOUT = 20000 // per action / expectation
export const VIEWPORT = { width: 1366, height: 768 }
export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
]

// ---- checks ---------------------------------------------------------------------------------------

export class Failure extends Error {}

export const report = {
  step: 'setup',
  passed: 0,
  started: Date.now(),
}

export function setStep(name) {
  report.step = name
  console.log(`# ${name} (at ${((Date.now() - report.started) / 1000).toFixed(1)} s)`)
}

export function ok(what) {
  report.passed++
  console.log(`ok ${report.step}: ${what}`)
}

export function fail(what) {
  throw new Failure(`${report.step}: ${what}`)
}

// check(cond, what, detail): one check; `detail` (what was seen) is printed only on failure.
export function check(cond, what, detail) {
  if (!cond) fail(detail === undefined ? what : `${what} — got ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`)
  ok(what)
}

// expectEventually(fn, what): poll fn() (truthy = done) until STEP_TIMEOUT; the last value is the detail.
export async function eventually(fn, what, timeout = STEP_TIMEOUT) {
  const end = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return ok(what)
    } catch (e) {
      last = e.message
    }
    if (Date.now() > end) fail(`${what} — not after ${timeout / 1000} s (last: ${typeof last === 'string' ? last : JSON.stringify(last)})`)
    await sleep(100)
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// ---- the citystar CLI -------------------------------------------------------------------------------

// The environment must not choose the store, the frameworks, the regions or the user for us.
function cleanEnv(extra = {}) {
  const env = { ...process.env }
  for (const k of ['CITYSTAR_DB', 'CITYSTAR_FRAMEWORKS', 'CITYSTAR_REGIONS', 'CITYSTAR_USER', 'CITYSTAR_PASSWORD']) delete env[k]
  return { ...env, ...extra }
}

export function makeCli(bin, sourceRoot, db) {
  const base = ['--frameworks', path.join(sourceRoot, 'frameworks'), '--db', db]
  // cli(args, {env, user}) → stdout; a non-zero exit is a failure of the current step
  return function cli(args, { env, user } = {}) {
    const full = [...base, ...(user ? ['--user', user] : []), ...args]
    const r = spawnSync(bin, full, { env: cleanEnv(env), encoding: 'utf8', maxBuffer: 64 << 20 })
    if (r.error) fail(`citystar ${args.join(' ')}: ${r.error.message}`)
    if (r.status !== 0) fail(`citystar ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().slice(0, 600)}`)
    return { out: r.stdout, err: r.stderr }
  }
}

// ---- the server ---------------------------------------------------------------------------------------

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

export async function startServer({ bin, sourceRoot, db, dist, dir }) {
  const port = await freePort()
  const accessLog = path.join(dir, 'access.log')
  const errFile = path.join(dir, 'server.err')
  const err = fs.openSync(errFile, 'w')
  const args = [
    '--frameworks', path.join(sourceRoot, 'frameworks'), '--db', db,
    'serve', '--address', '127.0.0.1', '--port', String(port), '--threads', '4',
    '--static', dist, '--access-log', accessLog,
  ]
  const proc = spawn(bin, args, { env: cleanEnv(), stdio: ['ignore', err, err] })
  fs.closeSync(err)
  let exited = null
  proc.on('exit', (code, sig) => (exited = { code, sig }))
  const base = `http://127.0.0.1:${port}`
  const end = Date.now() + STEP_TIMEOUT
  for (;;) {
    if (exited) fail(`the server exited (${JSON.stringify(exited)}): ${fs.readFileSync(errFile, 'utf8').slice(0, 600)}`)
    try {
      const r = await fetch(`${base}/api/health`)
      if (r.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) fail(`the server did not answer /api/health within ${STEP_TIMEOUT / 1000} s`)
    await sleep(50)
  }
  return {
    base,
    port,
    accessLog,
    // the access log's entries (one JSON object a line)
    log() {
      if (!fs.existsSync(accessLog)) return []
      return fs
        .readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          try {
            return JSON.parse(l)
          } catch {
            return { raw: l }
          }
        })
    },
    async stop() {
      if (exited) return exited
      proc.kill('SIGTERM')
      const t0 = Date.now()
      while (!exited && Date.now() - t0 < 35000) await sleep(50)
      if (!exited) proc.kill('SIGKILL')
      return exited
    },
  }
}

// ---- the browser ----------------------------------------------------------------------------------------

export async function loadPlaywright(sourceRoot) {
  const entry = path.join(sourceRoot, 'web', 'node_modules', 'playwright-core', 'index.mjs')
  if (!fs.existsSync(entry)) fail(`playwright-core is missing (${entry}): run 'make web' (npm ci in web/)`)
  return import(pathToFileURL(entry).href)
}

// Every console error or warning and every uncaught page error, of every page of the run.
export const consoleProblems = []

export function watchPage(page, who) {
  page.on('console', (m) => {
    const type = m.type()
    if (type === 'error' || type === 'warning') {
      const loc = m.location()
      consoleProblems.push(`[${report.step}] ${who} console.${type}: ${m.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`)
    }
  })
  page.on('pageerror', (e) => consoleProblems.push(`[${report.step}] ${who} pageerror: ${e.message}`))
  page.setDefaultTimeout(STEP_TIMEOUT)
  page.setDefaultNavigationTimeout(STEP_TIMEOUT)
}
