import 'i18next';
import type { fr } from './fr';

// Typed keys: t('tasks.titel') is a compile error.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fr };
  }
}
