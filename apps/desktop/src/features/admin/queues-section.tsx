import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminQueueView } from '@parlo/protocol';
import { createAdminQueue, deleteAdminQueue, updateAdminQueue } from '../../api/admin-client.ts';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { MultiSelectField, SelectField, TextField } from './form-fields.tsx';
import {
  EMPTY_QUEUE_DRAFT,
  QUEUE_FIELDS,
  createQueueRequest,
  queueDeleteRefusal,
  queueDependents,
  queueDraftOf,
  updateQueueRequest,
  type QueueDraft,
} from './resource-drafts.ts';
import { DependentsList } from './dependents-list.tsx';
import { ResourceSection, type FormMode } from './resource-section.tsx';
import type { AdminDataState } from './use-admin-data.ts';

const STRATEGIES = ['longestAvailable', 'leastBusy'] as const;

/** Queues: routing order, offer deadline, strategy, overflow, wrap-up reasons and auto wrap-up. */
export function QueuesSection({ admin, loadError }: { admin: AdminDataState; loadError: string | null }) {
  const { t } = useTranslation();
  const queueName = (id: string | null) =>
    id === null ? '—' : (admin.data.queues.find((q) => q.id === id)?.name ?? id);
  return (
    <ResourceSection<AdminQueueView>
      title={t('console.queues.title')}
      newLabel={t('console.queues.new')}
      rows={admin.data.queues}
      loading={admin.loading}
      loadError={loadError}
      onRetry={() => void admin.reload()}
      nameOf={(q) => q.name}
      searchTexts={(q) => [q.name, t(`console.strategies.${q.strategy}`)]}
      columns={[
        { header: t('console.queues.name'), cell: (q) => q.name },
        { header: t('console.queues.priority'), cell: (q) => q.priority, numeric: true },
        {
          header: t('console.queues.offerTimeout'),
          cell: (q) => `${q.offerTimeoutSeconds} s`,
          numeric: true,
        },
        { header: t('console.queues.strategy'), cell: (q) => t(`console.strategies.${q.strategy}`) },
        {
          header: t('console.queues.overflow'),
          cell: (q) =>
            q.maxWaitSeconds === null
              ? '—'
              : t('console.queues.overflowAfter', {
                  queue: queueName(q.overflowQueueId),
                  seconds: String(q.maxWaitSeconds),
                }),
        },
      ]}
      renderForm={(mode, close) => <QueueForm mode={mode} admin={admin} onClose={close} />}
      describeDelete={(q) => (
        <>
          <p>{t('console.queues.deleteIntro', { name: q.name })}</p>
          <DependentsList dependents={queueDependents(admin.data, q.id)} />
          <p className="admin-note">{t('console.queues.deleteConsequence')}</p>
        </>
      )}
      deleteRefusal={(q) => {
        const refusal = queueDeleteRefusal(admin.data, q.id);
        if (refusal === null) return null;
        return t('console.queues.deleteRefused', {
          names: [...refusal.businessNumbers, ...refusal.queues].join(', '),
        });
      }}
      onDelete={async (q) => {
        await deleteAdminQueue(q.id);
        await admin.reload();
      }}
    />
  );
}

function QueueForm({
  mode,
  admin,
  onClose,
}: {
  mode: FormMode<AdminQueueView>;
  admin: AdminDataState;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(QUEUE_FIELDS);
  const [draft, setDraft] = useState<QueueDraft>(
    mode.kind === 'edit' ? queueDraftOf(mode.row) : EMPTY_QUEUE_DRAFT,
  );
  const set = <K extends keyof QueueDraft>(key: K, value: QueueDraft[K]) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const selfId = mode.kind === 'edit' ? mode.row.id : null;
  const reasons = admin.data.wrapUpReasons;
  // The default reason is one the queue offers ([] offers all).
  const offered =
    draft.wrapUpReasonIds.length === 0
      ? reasons
      : reasons.filter((r) => draft.wrapUpReasonIds.includes(r.id));

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(createQueueRequest(draft), (request) => createAdminQueue(request))
        : await form.submit(updateQueueRequest(mode.row, draft), (request) =>
            updateAdminQueue(mode.row.id, request),
          );
    if (saved) {
      await admin.reload();
      onClose();
    }
  }

  const none = { value: '', label: t('console.noneOption') };
  return (
    <Modal
      title={
        mode.kind === 'create' ? t('console.queues.new') : t('console.editName', { name: mode.row.name })
      }
      onClose={onClose}
      onSubmit={() => void save()}
      wide
    >
      <div className="form-grid">
        <TextField
          label={t('console.queues.name')}
          value={draft.name}
          onChange={(v) => set('name', v)}
          problem={form.problem('name')}
        />
        <TextField
          label={t('console.queues.priority')}
          type="number"
          value={draft.priority}
          onChange={(v) => set('priority', v)}
          problem={form.problem('priority')}
          hint={t('console.queues.priorityHint')}
        />
        <TextField
          label={t('console.queues.offerTimeoutSeconds')}
          type="number"
          value={draft.offerTimeoutSeconds}
          onChange={(v) => set('offerTimeoutSeconds', v)}
          problem={form.problem('offerTimeoutSeconds')}
        />
        <SelectField
          label={t('console.queues.strategy')}
          value={draft.strategy}
          onChange={(v) => set('strategy', STRATEGIES.find((s) => s === v) ?? 'longestAvailable')}
          problem={form.problem('strategy')}
          options={STRATEGIES.map((s) => ({ value: s, label: t(`console.strategies.${s}`) }))}
        />
        <TextField
          label={t('console.queues.maxWaitSeconds')}
          type="number"
          value={draft.maxWaitSeconds}
          onChange={(v) => set('maxWaitSeconds', v)}
          problem={form.problem('maxWaitSeconds')}
          hint={t('console.queues.maxWaitHint')}
        />
        <SelectField
          label={t('console.queues.overflowQueue')}
          value={draft.overflowQueueId}
          onChange={(v) => set('overflowQueueId', v)}
          problem={form.problem('overflowQueueId')}
          options={[
            none,
            ...admin.data.queues.filter((q) => q.id !== selfId).map((q) => ({ value: q.id, label: q.name })),
          ]}
        />
        <SelectField
          label={t('console.queues.defaultReason')}
          value={draft.defaultWrapUpReasonId}
          onChange={(v) => set('defaultWrapUpReasonId', v)}
          problem={form.problem('defaultWrapUpReasonId')}
          options={[none, ...offered.map((r) => ({ value: r.id, label: r.name }))]}
        />
        <TextField
          label={t('console.queues.autoWrapUpSeconds')}
          type="number"
          value={draft.autoWrapUpSeconds}
          onChange={(v) => set('autoWrapUpSeconds', v)}
          problem={form.problem('autoWrapUpSeconds')}
          hint={t('console.queues.autoWrapUpHint')}
        />
        <TextField
          label={t('console.queues.windowFirstThresholdMinutes')}
          type="number"
          value={draft.windowFirstThresholdMinutes}
          onChange={(v) => set('windowFirstThresholdMinutes', v)}
          problem={form.problem('windowFirst')}
          hint={t('console.queues.windowFirstHint')}
        />
        <TextField
          label={t('console.queues.windowFirstMaxOvertakeMinutes')}
          type="number"
          value={draft.windowFirstMaxOvertakeMinutes}
          onChange={(v) => set('windowFirstMaxOvertakeMinutes', v)}
          problem={null}
          hint={t('console.queues.windowFirstBoundHint')}
        />
        <TextField
          label={t('console.queues.stickyAgentSeconds')}
          type="number"
          value={draft.stickyAgentSeconds}
          onChange={(v) => set('stickyAgentSeconds', v)}
          problem={form.problem('stickyAgentSeconds')}
          hint={t('console.queues.stickyAgentHint')}
        />
        <TextField
          label={t('console.queues.serviceLevelSeconds')}
          type="number"
          value={draft.serviceLevelSeconds}
          onChange={(v) => set('serviceLevelSeconds', v)}
          problem={form.problem('serviceLevelSeconds')}
          hint={t('console.queues.serviceLevelHint')}
        />
      </div>
      <MultiSelectField
        label={t('console.queues.reasons')}
        values={draft.wrapUpReasonIds}
        onChange={(v) => set('wrapUpReasonIds', v)}
        problem={form.problem('wrapUpReasonIds')}
        hint={t('console.queues.reasonsHint')}
        options={reasons.map((r) => ({ value: r.id, label: r.name }))}
        empty={t('console.reasons.none')}
      />
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
    </Modal>
  );
}
