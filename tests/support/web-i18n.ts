import i18next, { type i18n as I18n } from 'i18next';
import { en } from '../../web/src/i18n/en';
import { fr } from '../../web/src/i18n/fr';

/** The web UI's catalogues in an i18next instance of their own, as web/src/i18n/index.ts sets them up. */
export async function webI18n(lng: 'fr' | 'en' = 'fr'): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.init({ lng, fallbackLng: 'fr', resources: { fr: { translation: fr }, en: { translation: en } }, interpolation: { escapeValue: false }, returnNull: false });
  return instance;
}
