// Strings of the region page(s).
export default {
  zh: {},
  en: {},
}
