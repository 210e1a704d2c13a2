// session.js — who is logged in (the account, its CSRF token, a reporter's writable elements) and
// what they may do; shared by the router guard, the layout and every page.
import { reactive } from 'vue'

export const session = reactive({
  loaded: false,
  user: null,
  csrf: '',
  writable: null, // a reporter's element codes, else null (no restriction by element)
})

// Whether this browser holds a session cookie we set: the cookie is HttpOnly, so a flag tells the app
// whether asking GET /api/session is worth it (a request that would answer 401 shows as a console error).
const FLAG = 'citystar.session'
export function mayHaveSession() {
  return localStorage.getItem(FLAG) === '1'
}

export function setSession(data) {
  if (data && data.user) localStorage.setItem(FLAG, '1')
  else localStorage.removeItem(FLAG)
  session.user = data ? data.user : null
  session.csrf = data ? data.csrf : ''
  session.writable = data && data.writable_elements ? data.writable_elements : null
  session.loaded = true
}

const ADMINS = ['province_admin', 'city_admin', 'county_admin']
export const can = {
  admin: () => !!session.user && ADMINS.includes(session.user.role),
  manageUsers: () => can.admin(),
  enter: () => !!session.user && (ADMINS.includes(session.user.role) || session.user.role === 'reporter'),
  review: () => !!session.user && ['province_admin', 'city_admin', 'expert'].includes(session.user.role),
  rounds: () => !!session.user && (ADMINS.includes(session.user.role) || session.user.role === 'expert'),
  audit: () =>
    !!session.user &&
    ['province_admin', 'auditor'].includes(session.user.role) &&
    session.user.region.length === 2,
  province: () => !!session.user && session.user.role === 'province_admin',
}
