// i18n — every user-facing string, Chinese (zh-CN) first and English second. Each page keeps its own
// message module (one file per page, so pages can change independently); this file merges them.
import { createI18n } from 'vue-i18n'
import common from './common.js'
import overview from './overview.js'
import region from './region.js'
import entry from './entry.js'
import review from './review.js'
import frameworks from './frameworks.js'
import publicPage from './public.js'
import admin from './admin.js'
import targets from './targets.js'
import compare from './compare.js'
import report from './report.js'

const modules = { common, overview, region, entry, review, frameworks, public: publicPage, admin, targets, compare, report }

function build(lang) {
  const out = {}
  for (const [name, m] of Object.entries(modules)) out[name] = m[lang]
  return out
}

export const LANGS = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
]

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('citystar.lang') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': build('zh'), en: build('en') },
})

export function setLang(code) {
  i18n.global.locale.value = code
  localStorage.setItem('citystar.lang', code)
  document.documentElement.lang = code
}
