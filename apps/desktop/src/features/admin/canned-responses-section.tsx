import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createCannedResponseRequestSchema,
  updateCannedResponseRequestSchema,
  type CannedResponseView,
  type Catalog,
} from '@parlo/protocol';
import {
  createCannedResponse,
  deleteCannedResponse,
  fetchCannedResponses,
  updateCannedResponse,
} from '../canned/canned-api.ts';
import { PLACEHOLDERS } from '../canned/new-reply-dialog.tsx';
import { useSectionList } from './use-section-list.ts';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { SelectField, TextField } from './form-fields.tsx';
import { changedFields, validate } from './form-model.ts';
import { ResourceSection, type FormMode } from './resource-section.tsx';

const FIELDS = ['queueId', 'shortcut', 'title', 'body', 'language'] as const;
const PERSONAL = '';

interface Draft {
  /** '' = the editor's own (personal) response. */
  queueId: string;
  shortcut: string;
  title: string;
  body: string;
  /** '' = any language. */
  language: string;
}

const draftOf = (r: CannedResponseView): Draft => ({
  queueId: r.queueId ?? PERSONAL,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  language: r.language ?? '',
});

/**
 * Issue 18: the queues' canned responses (and one's own), kept by supervisors and administrators:
 * a searchable table, New / Edit / Delete; every change audited by the server.
 */
/** Every canned response the editor may keep (the console's list), not only those they may use. */
const fetchAllCannedResponses = (signal?: AbortSignal) => fetchCannedResponses(true, signal);

export function CannedResponsesSection({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const { rows, loading, loadError, reload } = useSectionList(fetchAllCannedResponses);
  const queueName = (id: string | null) =>
    id === null ? t('canned.personal') : (catalog.queues.find((q) => q.id === id)?.name ?? id);

  return (
    <ResourceSection<CannedResponseView>
      title={t('canned.title')}
      newLabel={t('canned.newResponse')}
      rows={rows}
      loading={loading}
      loadError={loadError}
      onRetry={() => void reload()}
      nameOf={(r) => `/${r.shortcut}`}
      searchTexts={(r) => [r.shortcut, r.title, r.body, queueName(r.queueId)]}
      columns={[
        { header: t('canned.shortcut'), cell: (r) => `/${r.shortcut}` },
        { header: t('canned.titleField'), cell: (r) => r.title },
        { header: t('canned.queue'), cell: (r) => queueName(r.queueId) },
        { header: t('canned.language'), cell: (r) => r.language ?? t('canned.anyLanguage') },
      ]}
      renderForm={(mode, close) => (
        <CannedForm mode={mode} catalog={catalog} onClose={close} onSaved={reload} />
      )}
      describeDelete={(r) => <p>{t('canned.deleteIntro', { shortcut: r.shortcut })}</p>}
      onDelete={async (r) => {
        await deleteCannedResponse(r.id);
        await reload();
      }}
    />
  );
}

function CannedForm({
  mode,
  catalog,
  onClose,
  onSaved,
}: {
  mode: FormMode<CannedResponseView>;
  catalog: Catalog;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(FIELDS);
  const [draft, setDraft] = useState<Draft>(
    mode.kind === 'edit'
      ? draftOf(mode.row)
      : { queueId: catalog.queues[0]?.id ?? PERSONAL, shortcut: '', title: '', body: '', language: '' },
  );
  const set = (key: keyof Draft, value: string) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const fields = {
    shortcut: draft.shortcut,
    title: draft.title,
    body: draft.body,
    language: draft.language === '' ? null : draft.language,
  };

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(
            validate(createCannedResponseRequestSchema, {
              ...fields,
              queueId: draft.queueId === PERSONAL ? null : draft.queueId,
            }),
            createCannedResponse,
          )
        : await form.submit(validate(updateCannedResponseRequestSchema, fields), (request) =>
            updateCannedResponse(mode.row.id, changedFields(draftFields(mode.row), request)),
          );
    if (saved) {
      await onSaved();
      onClose();
    }
  }

  return (
    <Modal
      title={mode.kind === 'create' ? t('canned.newResponse') : `/${mode.row.shortcut}`}
      onClose={onClose}
      onSubmit={() => void save()}
      wide
    >
      {mode.kind === 'create' && (
        <SelectField
          label={t('canned.queue')}
          value={draft.queueId}
          onChange={(v) => set('queueId', v)}
          problem={form.problem('queueId')}
          options={[
            ...catalog.queues.map((q) => ({ value: q.id, label: q.name })),
            { value: PERSONAL, label: t('canned.personal') },
          ]}
        />
      )}
      <TextField
        label={t('canned.shortcut')}
        value={draft.shortcut}
        onChange={(v) => set('shortcut', v)}
        problem={form.problem('shortcut')}
      />
      <TextField
        label={t('canned.titleField')}
        value={draft.title}
        onChange={(v) => set('title', v)}
        problem={form.problem('title')}
      />
      <TextField
        label={t('canned.body')}
        value={draft.body}
        onChange={(v) => set('body', v)}
        problem={form.problem('body')}
        multiline
        hint={`${t('canned.placeholdersHint')} ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`}
      />
      <SelectField
        label={t('canned.language')}
        value={draft.language}
        onChange={(v) => set('language', v)}
        problem={form.problem('language')}
        options={[
          { value: '', label: t('canned.anyLanguage') },
          { value: 'it', label: 'Italiano' },
          { value: 'en', label: 'English' },
        ]}
      />
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
    </Modal>
  );
}

function draftFields(r: CannedResponseView) {
  return { shortcut: r.shortcut, title: r.title, body: r.body, language: r.language };
}
