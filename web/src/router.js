// router.js — the pages, who may open them, and the login guard. History mode: `citystar serve`
// answers unknown non-API paths with index.html.
import { createRouter, createWebHistory } from 'vue-router'
import { api, setUnauthenticatedHandler } from './api.js'
import { session, setSession, can, mayHaveSession } from './session.js'
import { ctx, loadContext } from './context.js'
import Layout from './views/Layout.vue'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/public', name: 'public', component: () => import('./views/Public.vue'), meta: { public: true } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'home', redirect: () => homeRoute() },
      { path: 'overview/:code?', name: 'overview', component: () => import('./views/Overview.vue') },
      { path: 'regions/:code', name: 'region', component: () => import('./views/Region.vue') },
      { path: 'entry', name: 'entry', component: () => import('./views/Entry.vue'), meta: { allow: can.enter } },
      { path: 'review', name: 'review', component: () => import('./views/Review.vue'), meta: { allow: can.rounds } },
      {
        path: 'review/:id',
        name: 'round',
        component: () => import('./views/Round.vue'),
        meta: { allow: can.rounds },
      },
      { path: 'targets', name: 'targets', component: () => import('./views/Targets.vue') },
      { path: 'frameworks/:id?', name: 'frameworks', component: () => import('./views/Frameworks.vue') },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('./views/admin/Users.vue'),
        meta: { allow: () => can.manageUsers() || (session.user && session.user.role === 'auditor') },
      },
      {
        path: 'admin/regions',
        name: 'regions',
        component: () => import('./views/admin/Regions.vue'),
        meta: { allow: can.admin },
      },
      { path: 'admin/audit', name: 'audit', component: () => import('./views/admin/Audit.vue'), meta: { allow: can.audit } },
      { path: ':rest(.*)*', name: 'notfound', component: () => import('./views/NotFound.vue') },
    ],
  },
]

// Where an account lands: reporters at data entry, county admins at their region, others at the overview.
export function homeRoute() {
  const u = session.user
  if (!u) return { name: 'login' }
  if (u.role === 'reporter') return { name: 'entry' }
  if (u.role === 'county_admin') return { name: 'region', params: { code: u.region } }
  return { name: 'overview', params: { code: u.region } }
}

export const router = createRouter({ history: createWebHistory(), routes })

setUnauthenticatedHandler(() => {
  setSession(null)
  if (!router.currentRoute.value.meta.public)
    router.replace({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } })
})

router.beforeEach(async (to) => {
  if (!session.loaded && !mayHaveSession()) setSession(null)
  if (!session.loaded) {
    try {
      setSession(await api.get('/session'))
    } catch {
      setSession(null)
    }
  }
  if (to.meta.public) return true
  if (!session.user) return { name: 'login', query: { redirect: to.fullPath } }
  if (!ctx.ready) {
    try {
      await loadContext()
    } catch {
      /* the pages show the error of their own requests */
    }
  }
  const allow = to.matched.map((r) => r.meta.allow).find(Boolean)
  if (allow && !allow()) return { name: 'notfound', params: { rest: ['forbidden'] }, query: { forbidden: '1' } }
  return true
})
