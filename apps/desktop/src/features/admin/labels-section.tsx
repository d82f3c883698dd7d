import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createLabelRequestSchema,
  LABEL_COLORS,
  updateLabelRequestSchema,
  type LabelColor,
  type LabelView,
} from '@parlo/protocol';
import { LabelChip } from '../labels/label-chips.tsx';
import { createLabel, deleteLabel, fetchLabels, updateLabel } from '../labels/labels-api.ts';
import { useSectionList } from './use-section-list.ts';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { SelectField, TextField } from './form-fields.tsx';
import { changedFields, validate } from './form-model.ts';
import { ResourceSection, type FormMode } from './resource-section.tsx';

const FIELDS = ['name', 'color', 'description'] as const;

interface Draft {
  name: string;
  color: LabelColor;
  description: string;
}

const draftOf = (l: LabelView): Draft => ({ name: l.name, color: l.color, description: l.description ?? '' });

/**
 * Issue 18: the labels agents put on conversations, kept by administrators: a searchable table
 * with each label's chip, New / Edit / Delete; every change audited by the server.
 */
export function LabelsSection() {
  const { t } = useTranslation();
  const { rows, loading, loadError, reload } = useSectionList(fetchLabels);

  return (
    <ResourceSection<LabelView>
      title={t('labels.title')}
      newLabel={t('labels.newLabel')}
      rows={rows}
      loading={loading}
      loadError={loadError}
      onRetry={() => void reload()}
      nameOf={(l) => l.name}
      searchTexts={(l) => [l.name, l.description, t(`labels.colors.${l.color}`)]}
      columns={[
        { header: t('labels.name'), cell: (l) => <LabelChip label={l} /> },
        { header: t('labels.color'), cell: (l) => t(`labels.colors.${l.color}`) },
        { header: t('labels.description'), cell: (l) => l.description ?? '' },
      ]}
      renderForm={(mode, close) => <LabelForm mode={mode} onClose={close} onSaved={reload} />}
      describeDelete={(l) => <p>{t('labels.deleteIntro', { name: l.name })}</p>}
      onDelete={async (l) => {
        await deleteLabel(l.id);
        await reload();
      }}
    />
  );
}

function LabelForm({
  mode,
  onClose,
  onSaved,
}: {
  mode: FormMode<LabelView>;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(FIELDS);
  const [draft, setDraft] = useState<Draft>(
    mode.kind === 'edit' ? draftOf(mode.row) : { name: '', color: 'blue', description: '' },
  );
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const fields = {
    name: draft.name,
    color: draft.color,
    description: draft.description.trim() === '' ? null : draft.description,
  };

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(validate(createLabelRequestSchema, fields), createLabel)
        : await form.submit(validate(updateLabelRequestSchema, fields), (request) => {
            const base = draftOf(mode.row);
            return updateLabel(
              mode.row.id,
              changedFields(
                { ...base, description: base.description === '' ? null : base.description },
                request,
              ),
            );
          });
    if (saved) {
      await onSaved();
      onClose();
    }
  }

  return (
    <Modal
      title={mode.kind === 'create' ? t('labels.newLabel') : mode.row.name}
      onClose={onClose}
      onSubmit={() => void save()}
    >
      <TextField
        label={t('labels.name')}
        value={draft.name}
        onChange={(v) => set('name', v)}
        problem={form.problem('name')}
      />
      <SelectField
        label={t('labels.color')}
        value={draft.color}
        onChange={(v) => set('color', LABEL_COLORS.find((c) => c === v) ?? 'gray')}
        problem={form.problem('color')}
        options={LABEL_COLORS.map((c) => ({ value: c, label: t(`labels.colors.${c}`) }))}
      />
      <p>
        <LabelChip
          label={{
            id: 'preview',
            name: draft.name || t('labels.name'),
            color: draft.color,
            description: null,
          }}
        />
      </p>
      <TextField
        label={t('labels.description')}
        value={draft.description}
        onChange={(v) => set('description', v)}
        problem={form.problem('description')}
      />
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
    </Modal>
  );
}
