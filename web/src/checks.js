// checks.js — the checks a write makes on one figure (docs/api.md §5.5), run in the browser before
// anything is sent: whole numbers, the element's range, a numerator not above its denominator
// (at_most) and a denominator not below its numerators. Used by data entry and by what-if.

// element code → the codes of the elements that name it in at_most (its numerators).
export function boundedByMap(elements) {
  const m = {}
  for (const e of elements || []) for (const p of e.at_most || []) (m[p] = m[p] || []).push(e.code)
  return m
}

// The first check figure v of element el fails, or null. valueOf(code) gives the other figures as they
// stand (typed or stored; null when unknown); bounded is boundedByMap(...)[el.code].
// Answers {key: 'integer'|'min'|'max'|'atMost'|'atLeast', limit, other}: other is the element code
// compared with, limit the figure it was compared with.
export function checkFigure(el, v, valueOf, bounded) {
  if (el.type === 'integer' && !Number.isInteger(v)) return { key: 'integer' }
  if (el.min !== undefined && el.min !== null && v < el.min) return { key: 'min', limit: el.min }
  if (el.max !== undefined && el.max !== null && v > el.max) return { key: 'max', limit: el.max }
  for (const other of el.at_most || []) {
    const ov = valueOf(other)
    if (ov !== null && ov !== undefined && v > ov + 1e-9) return { key: 'atMost', limit: ov, other }
  }
  for (const other of bounded || []) {
    const ov = valueOf(other)
    if (ov !== null && ov !== undefined && ov > v + 1e-9) return { key: 'atLeast', limit: ov, other }
  }
  return null
}
