// Strings of the overview page(s).
export default {
  zh: {},
  en: {},
}
