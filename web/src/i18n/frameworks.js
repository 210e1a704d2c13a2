// Strings of the frameworks page(s).
export default {
  zh: {},
  en: {},
}
