// context.js — what every page reads the same way: the loaded frameworks, the years that have figures,
// the chosen year, the framework chosen for each region level, and a cache of region records.
import { reactive } from 'vue'
import { api } from './api.js'

export const ctx = reactive({
  ready: false,
  frameworks: [],
  periods: [],
  period: '',
  fwByLevel: {}, // region level → framework id
})

const regionCache = new Map()
const frameworkCache = new Map()

export async function loadContext() {
  const [fws, periods] = await Promise.all([api.get('/frameworks'), api.get('/periods')])
  ctx.frameworks = fws.items
  ctx.periods = periods.items.slice().reverse() // newest first
  const saved = localStorage.getItem('citystar.period')
  ctx.period = saved && ctx.periods.includes(saved) ? saved : ctx.periods[0] || String(new Date().getFullYear() - 1)
  for (const level of ['city', 'county', 'community']) {
    const savedFw = localStorage.getItem(`citystar.fw.${level}`)
    ctx.fwByLevel[level] =
      savedFw && fws.items.some((f) => f.id === savedFw && f.region_level === level) ? savedFw : defaultFramework(level)
  }
  ctx.ready = true
}

export function setPeriod(p) {
  ctx.period = p
  localStorage.setItem('citystar.period', p)
}

export function setFramework(level, id) {
  ctx.fwByLevel[level] = id
  localStorage.setItem(`citystar.fw.${level}`, id)
}

// The scoring frameworks for a region level, newest rules first.
export function frameworksFor(level, { scoringOnly = true } = {}) {
  return ctx.frameworks
    .filter((f) => f.region_level === level && (!scoringOnly || f.scoring !== 'monitor'))
    .sort((a, b) => b.year - a.year || (a.id.startsWith('sd-') ? -1 : 1))
}

export function defaultFramework(level) {
  const list = frameworksFor(level)
  return list.length ? list[0].id : ''
}

export function frameworkTitle(id) {
  const f = ctx.frameworks.find((x) => x.id === id)
  return f ? f.title : id
}

// One framework in full (indicators, elements, tiers, ratings), fetched once.
export async function getFramework(id) {
  if (!frameworkCache.has(id)) frameworkCache.set(id, api.get(`/frameworks/${encodeURIComponent(id)}`))
  try {
    return await frameworkCache.get(id)
  } catch (e) {
    frameworkCache.delete(id)
    throw e
  }
}

export async function getRegion(code) {
  if (!regionCache.has(code)) regionCache.set(code, api.get(`/regions/${encodeURIComponent(code)}`))
  try {
    return await regionCache.get(code)
  } catch (e) {
    regionCache.delete(code)
    throw e
  }
}

export async function childRegions(code) {
  const r = await api.all('/regions', { parent: code })
  for (const x of r.items) regionCache.set(x.code, Promise.resolve(x))
  return r.items
}

// The level of region whose figures a framework of this region's children scores: a province's
// children are cities, a city's are counties.
export function childLevel(level) {
  return { province: 'city', city: 'county', county: 'street', street: 'community' }[level] || ''
}

// The current values of exactly one region for a year (not those of the regions below it).
export async function regionValues(code, period) {
  return (await api.all('/values', { region: code, period, exact: 1 })).items
}
