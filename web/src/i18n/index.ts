import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { fr } from './fr';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'jalons.locale';

export function readStoredLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'fr';
}

export function changeLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  void i18next.changeLanguage(locale);
}

export function initI18n(): typeof i18next {
  const lng = readStoredLocale();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'fr',
    resources: { fr: { translation: fr }, en: { translation: en } },
    // React escapes what it renders; escaping here too would show &amp; in titles.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}
