// api.js — the one way the UI talks to `citystar serve`: JSON over fetch, the session cookie, the
// CSRF header on every write, and errors turned into ApiError with the server's message.
import { session } from './session.js'

export class ApiError extends Error {
  constructor(status, code, message, problems) {
    super(message)
    this.status = status
    this.code = code
    this.problems = problems || []
  }
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) q.append(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

let onUnauthenticated = null
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

async function request(method, path, { params, body, raw, contentType } = {}) {
  const headers = {}
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  let payload
  if (raw !== undefined) {
    payload = raw
    headers['Content-Type'] = contentType || 'application/octet-stream'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['Content-Type'] = 'application/json'
  }
  let res
  try {
    res = await fetch(`/api${path}${query(params)}`, { method, headers, body: payload, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, 'network', `无法连接服务器 / cannot reach the server (${e.message})`)
  }
  const text = await res.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {}
    const e = new ApiError(res.status, err.code || String(res.status), err.message || `HTTP ${res.status}`, err.problems)
    if (res.status === 401 && err.code === 'unauthenticated' && onUnauthenticated) onUnauthenticated()
    throw e
  }
  return data
}

export const api = {
  get: (path, params) => request('GET', path, { params }),
  post: (path, body, params) => request('POST', path, { body: body === undefined ? {} : body, params }),
  patch: (path, body) => request('PATCH', path, { body }),
  del: (path) => request('DELETE', path),
  upload: (path, params, file) =>
    request('POST', path, { params, raw: file, contentType: file.type || 'application/octet-stream' }),
  // Every page of a list endpoint ({items, page, per_page, total}).
  async all(path, params = {}) {
    const items = []
    for (let page = 1; ; page++) {
      const r = await request('GET', path, { params: { ...params, page, per_page: 500 } })
      items.push(...r.items)
      if (!r.total || items.length >= r.total || r.items.length === 0) return { ...r, items }
    }
  },
}
