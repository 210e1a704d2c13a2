// Strings of the review page(s).
export default {
  zh: {},
  en: {},
}
