import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { asRequestError } from '../../api/request-error.ts';

/** Translates any caught error into its code-based, localised message. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback((error: unknown) => t(`errors.${asRequestError(error).code}`), [t]);
}
