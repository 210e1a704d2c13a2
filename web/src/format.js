// format.js — numbers, percentages and star levels the way a Chinese report prints them.
export function fmtNumber(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  const r = Math.round(v * 10 ** digits) / 10 ** digits
  return r.toLocaleString('zh-CN', { maximumFractionDigits: digits })
}

// A value with its unit: ratios in % units are stored as fractions (0.7063 → 70.63%).
export function fmtValue(v, unit) {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (unit === '%') return `${fmtNumber(v * 100, 2)}%`
  if (unit === '是/否' || unit === 'bool') return v ? '是' : '否'
  return `${fmtNumber(v, 2)}${unit ? ' ' + unit : ''}`
}

export function fmtPoints(v) {
  return v === null || v === undefined ? '—' : fmtNumber(v, 2)
}

export function fmtDelta(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  const s = fmtNumber(Math.abs(v), 2)
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : '0'
}

// The colour of a star level (ratings are named as printed: 三星, 四星（基础型）, 四星（成长型）, 五星).
export function ratingColor(rating) {
  if (!rating) return '#c0c4cc'
  if (rating.startsWith('五星')) return '#d4380d'
  if (rating.includes('成长')) return '#fa8c16'
  if (rating.startsWith('四星')) return '#faad14'
  if (rating.startsWith('三星')) return '#1677ff'
  return '#8c8c8c'
}

export function ratingOrder(rating, ratings) {
  if (!rating) return -1
  return ratings ? ratings.indexOf(rating) : 0
}

export function fmtTime(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('zh-CN', { hour12: false })
}
