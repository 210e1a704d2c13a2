// Strings of the entry page(s).
export default {
  zh: {},
  en: {},
}
