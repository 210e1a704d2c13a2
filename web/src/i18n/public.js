// Strings of the public page(s).
export default {
  zh: {},
  en: {},
}
