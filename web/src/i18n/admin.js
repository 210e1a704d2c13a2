// Strings of the admin page(s).
export default {
  zh: {},
  en: {},
}
