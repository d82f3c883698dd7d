import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminBusinessNumberView } from '@parlo/protocol';
import {
  createAdminBusinessNumber,
  deleteAdminBusinessNumber,
  updateAdminBusinessNumber,
} from '../../api/admin-client.ts';
import { DeletedNumberMessages } from './deleted-number-messages.tsx';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { SelectField, TextField } from './form-fields.tsx';
import {
  BUSINESS_NUMBER_FIELDS,
  EMPTY_BUSINESS_NUMBER_DRAFT,
  businessNumberDraftOf,
  createBusinessNumberRequest,
  updateBusinessNumberRequest,
  type BusinessNumberDraft,
} from './resource-drafts.ts';
import { ResourceSection, type FormMode } from './resource-section.tsx';
import type { AdminDataState } from './use-admin-data.ts';

/**
 * WhatsApp business numbers. Secrets (token, app secrets, verify token) are write-only: the list
 * says only whether they are set; the edit form leaves them as stored unless a new one is typed.
 */
export function BusinessNumbersSection({
  admin,
  loadError,
}: {
  admin: AdminDataState;
  loadError: string | null;
}) {
  const { t } = useTranslation();
  const queueName = (id: string) => admin.data.queues.find((q) => q.id === id)?.name ?? id;
  const setOrNot = (set: boolean) => (set ? t('console.numbers.set') : t('console.numbers.notSet'));
  return (
    <>
      <ResourceSection<AdminBusinessNumberView>
        title={t('console.numbers.title')}
        newLabel={t('console.numbers.new')}
        rows={admin.data.businessNumbers}
        loading={admin.loading}
        loadError={loadError}
        onRetry={() => void admin.reload()}
        nameOf={(n) => n.displayPhoneNumber}
        searchTexts={(n) => [n.displayPhoneNumber, n.phoneNumberId, n.wabaId, queueName(n.queueId)]}
        columns={[
          { header: t('console.numbers.displayPhoneNumber'), cell: (n) => n.displayPhoneNumber },
          { header: t('console.numbers.phoneNumberId'), cell: (n) => n.phoneNumberId },
          { header: t('console.numbers.queue'), cell: (n) => queueName(n.queueId) },
          { header: t('console.numbers.accessToken'), cell: (n) => setOrNot(n.accessTokenSet) },
          {
            header: t('console.numbers.appSecrets'),
            cell: (n) =>
              n.appSecretCount === 0
                ? t('console.numbers.notSet')
                : t('console.numbers.secretCount', { count: n.appSecretCount }),
          },
          { header: t('console.numbers.verifyToken'), cell: (n) => setOrNot(n.verifyTokenSet) },
        ]}
        renderForm={(mode, close) => <BusinessNumberForm mode={mode} admin={admin} onClose={close} />}
        describeDelete={(n) => (
          <>
            <p>{t('console.numbers.deleteIntro', { number: n.displayPhoneNumber })}</p>
            {/* S-7: what happens to live conversations on it. */}
            <p className="admin-warning">{t('console.numbers.deleteConsequence')}</p>
          </>
        )}
        onDelete={async (n) => {
          await deleteAdminBusinessNumber(n.id);
          await admin.reload();
        }}
      />
      {/* Refetched when the list shrinks, i.e. after a number was deleted. */}
      <DeletedNumberMessages refreshKey={admin.data.businessNumbers.length} />
    </>
  );
}

function BusinessNumberForm({
  mode,
  admin,
  onClose,
}: {
  mode: FormMode<AdminBusinessNumberView>;
  admin: AdminDataState;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(BUSINESS_NUMBER_FIELDS);
  const [draft, setDraft] = useState<BusinessNumberDraft>(
    mode.kind === 'edit'
      ? businessNumberDraftOf(mode.row)
      : { ...EMPTY_BUSINESS_NUMBER_DRAFT, queueId: admin.data.queues[0]?.id ?? '' },
  );
  const set = <K extends keyof BusinessNumberDraft>(key: K, value: BusinessNumberDraft[K]) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const editing = mode.kind === 'edit' ? mode.row : null;
  /** On edit, a secret's hint says whether one is stored and that blank keeps it. */
  const secretHint = (isSet: boolean) =>
    editing === null
      ? undefined
      : `${isSet ? t('console.numbers.currentlySet') : t('console.numbers.currentlyNotSet')} ${t('console.numbers.blankKeeps')}`;

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(createBusinessNumberRequest(draft), (request) =>
            createAdminBusinessNumber(request),
          )
        : await form.submit(updateBusinessNumberRequest(mode.row, draft), (request) =>
            updateAdminBusinessNumber(mode.row.id, request),
          );
    if (saved) {
      await admin.reload();
      onClose();
    }
  }

  return (
    <Modal
      title={
        mode.kind === 'create'
          ? t('console.numbers.new')
          : t('console.editName', { name: mode.row.displayPhoneNumber })
      }
      onClose={onClose}
      onSubmit={() => void save()}
      wide
    >
      <div className="form-grid">
        <TextField
          label={t('console.numbers.phoneNumberId')}
          value={draft.phoneNumberId}
          onChange={(v) => set('phoneNumberId', v)}
          problem={form.problem('phoneNumberId')}
        />
        <TextField
          label={t('console.numbers.displayPhoneNumber')}
          value={draft.displayPhoneNumber}
          onChange={(v) => set('displayPhoneNumber', v)}
          problem={form.problem('displayPhoneNumber')}
          placeholder="+390212345678"
        />
        <TextField
          label={t('console.numbers.wabaId')}
          value={draft.wabaId}
          onChange={(v) => set('wabaId', v)}
          problem={form.problem('wabaId')}
        />
        <SelectField
          label={t('console.numbers.queue')}
          value={draft.queueId}
          onChange={(v) => set('queueId', v)}
          problem={form.problem('queueId')}
          options={[
            ...(draft.queueId === '' ? [{ value: '', label: t('console.noneOption') }] : []),
            ...admin.data.queues.map((q) => ({ value: q.id, label: q.name })),
          ]}
        />
        <TextField
          label={t('console.numbers.accessToken')}
          type="password"
          autoComplete="new-password"
          value={draft.accessToken}
          onChange={(v) => set('accessToken', v)}
          problem={form.problem('accessToken')}
          hint={secretHint(editing?.accessTokenSet ?? false)}
        />
        <TextField
          label={t('console.numbers.verifyToken')}
          type="password"
          autoComplete="new-password"
          value={draft.verifyToken}
          onChange={(v) => set('verifyToken', v)}
          problem={form.problem('verifyToken')}
          hint={secretHint(editing?.verifyTokenSet ?? false)}
        />
      </div>
      <TextField
        label={t('console.numbers.appSecrets')}
        type="password"
        autoComplete="new-password"
        value={draft.appSecrets}
        onChange={(v) => set('appSecrets', v)}
        problem={form.problem('appSecrets')}
        hint={
          editing === null
            ? t('console.numbers.appSecretsHint')
            : `${t('console.numbers.secretCount', { count: editing.appSecretCount })}. ${t('console.numbers.blankKeeps')}`
        }
      />
      {editing !== null && (
        <fieldset className="field-set rotation">
          <legend className="field-label">{t('console.numbers.rotation')}</legend>
          <TextField
            label={t('console.numbers.addAppSecret')}
            type="password"
            autoComplete="new-password"
            value={draft.addAppSecret}
            onChange={(v) => set('addAppSecret', v)}
            problem={form.problem('addAppSecret')}
            hint={t('console.numbers.addAppSecretHint')}
          />
          <label className="check-item">
            <input
              type="checkbox"
              checked={draft.retireOldAppSecrets}
              onChange={(e) => set('retireOldAppSecrets', e.target.checked)}
            />
            <span>{t('console.numbers.retireOld')}</span>
          </label>
        </fieldset>
      )}
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
    </Modal>
  );
}
