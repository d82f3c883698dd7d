import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminNamedItemView, CreateNamedItemRequest, UpdateNamedItemRequest } from '@parlo/protocol';
import {
  createAdminIdleCode,
  createAdminWrapUpReason,
  deleteAdminIdleCode,
  deleteAdminWrapUpReason,
  updateAdminIdleCode,
  updateAdminWrapUpReason,
} from '../../api/admin-client.ts';
import { DependentsList } from './dependents-list.tsx';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { TextField } from './form-fields.tsx';
import {
  EMPTY_NAMED_ITEM_DRAFT,
  NAMED_ITEM_FIELDS,
  createNamedItemRequest,
  namedItemDraftOf,
  updateNamedItemRequest,
  wrapUpReasonDependents,
  type NamedItemDraft,
} from './resource-drafts.ts';
import { ResourceSection, type FormMode } from './resource-section.tsx';
import type { AdminDataState } from './use-admin-data.ts';

interface NamedItemApi {
  create: (request: CreateNamedItemRequest) => Promise<unknown>;
  update: (id: string, request: UpdateNamedItemRequest) => Promise<unknown>;
  remove: (id: string) => Promise<void>;
}

const REASON_API: NamedItemApi = {
  create: createAdminWrapUpReason,
  update: updateAdminWrapUpReason,
  remove: deleteAdminWrapUpReason,
};
const IDLE_CODE_API: NamedItemApi = {
  create: createAdminIdleCode,
  update: updateAdminIdleCode,
  remove: deleteAdminIdleCode,
};

/** S-24..S-26: the reasons an agent picks when wrapping up. */
export function WrapUpReasonsSection({
  admin,
  loadError,
}: {
  admin: AdminDataState;
  loadError: string | null;
}) {
  const { t } = useTranslation();
  return (
    <NamedItemsSection
      admin={admin}
      loadError={loadError}
      rows={admin.data.wrapUpReasons}
      api={REASON_API}
      title={t('console.reasons.title')}
      newLabel={t('console.reasons.new')}
      describeDelete={(item) => (
        <>
          <p>{t('console.reasons.deleteIntro', { name: item.name })}</p>
          <DependentsList dependents={wrapUpReasonDependents(admin.data, item.id)} />
          <p className="admin-note">{t('console.reasons.deleteConsequence')}</p>
        </>
      )}
    />
  );
}

/** S-3: the reasons an agent gives for being Idle. */
export function IdleCodesSection({ admin, loadError }: { admin: AdminDataState; loadError: string | null }) {
  const { t } = useTranslation();
  return (
    <NamedItemsSection
      admin={admin}
      loadError={loadError}
      rows={admin.data.idleCodes}
      api={IDLE_CODE_API}
      title={t('console.idleCodes.title')}
      newLabel={t('console.idleCodes.new')}
      describeDelete={(item) => (
        <>
          <p>{t('console.idleCodes.deleteIntro', { name: item.name })}</p>
          <p className="admin-note">{t('console.idleCodes.deleteConsequence')}</p>
        </>
      )}
    />
  );
}

function NamedItemsSection({
  admin,
  loadError,
  rows,
  api,
  title,
  newLabel,
  describeDelete,
}: {
  admin: AdminDataState;
  loadError: string | null;
  rows: readonly AdminNamedItemView[];
  api: NamedItemApi;
  title: string;
  newLabel: string;
  describeDelete: (item: AdminNamedItemView) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <ResourceSection<AdminNamedItemView>
      title={title}
      newLabel={newLabel}
      rows={[...rows].sort((a, b) => a.position - b.position)}
      loading={admin.loading}
      loadError={loadError}
      onRetry={() => void admin.reload()}
      nameOf={(item) => item.name}
      searchTexts={(item) => [item.name]}
      columns={[
        { header: t('console.named.name'), cell: (item) => item.name },
        { header: t('console.named.position'), cell: (item) => item.position, numeric: true },
      ]}
      renderForm={(mode, close) => (
        <NamedItemForm mode={mode} api={api} newLabel={newLabel} admin={admin} onClose={close} />
      )}
      describeDelete={describeDelete}
      onDelete={async (item) => {
        await api.remove(item.id);
        await admin.reload();
      }}
    />
  );
}

function NamedItemForm({
  mode,
  api,
  newLabel,
  admin,
  onClose,
}: {
  mode: FormMode<AdminNamedItemView>;
  api: NamedItemApi;
  newLabel: string;
  admin: AdminDataState;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(NAMED_ITEM_FIELDS);
  const [draft, setDraft] = useState<NamedItemDraft>(
    mode.kind === 'edit' ? namedItemDraftOf(mode.row) : EMPTY_NAMED_ITEM_DRAFT,
  );
  const set = (key: keyof NamedItemDraft, value: string) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(createNamedItemRequest(draft), (request) => api.create(request))
        : await form.submit(updateNamedItemRequest(mode.row, draft), (request) =>
            api.update(mode.row.id, request),
          );
    if (saved) {
      await admin.reload();
      onClose();
    }
  }

  return (
    <Modal
      title={mode.kind === 'create' ? newLabel : t('console.editName', { name: mode.row.name })}
      onClose={onClose}
      onSubmit={() => void save()}
    >
      <TextField
        label={t('console.named.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        problem={form.problem('name')}
      />
      <TextField
        label={t('console.named.position')}
        type="number"
        value={draft.position}
        onChange={(v) => set('position', v)}
        problem={form.problem('position')}
        hint={t('console.named.positionHint')}
      />
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
    </Modal>
  );
}
