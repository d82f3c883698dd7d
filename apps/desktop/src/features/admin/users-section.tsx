import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { permissionSchema, type AdminUserView, type Role } from '@parlo/protocol';
import {
  createAdminUser,
  deleteAdminUser,
  resetAdminUserPassword,
  updateAdminUser,
} from '../../api/admin-client.ts';
import { FormFooter, Modal, useSaveForm } from './form-dialog.tsx';
import { MultiSelectField, SelectField, TextField } from './form-fields.tsx';
import {
  EMPTY_USER_DRAFT,
  USER_FIELDS,
  createUserRequest,
  resetPasswordRequest,
  updateUserRequest,
  userDraftOf,
  type UserDraft,
} from './resource-drafts.ts';
import { ResourceSection, type FormMode } from './resource-section.tsx';
import { SignInSecurity } from './sign-in-security.tsx';
import type { AdminDataState } from './use-admin-data.ts';

const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

/** Users: role, queues, capacity (S-5), password reset; sign-in locks and two-step sign-in (issue 17). */
export function UsersSection({ admin, loadError }: { admin: AdminDataState; loadError: string | null }) {
  const { t } = useTranslation();
  const queueName = (id: string) => admin.data.queues.find((q) => q.id === id)?.name ?? id;
  return (
    <>
      <ResourceSection<AdminUserView>
        title={t('console.users.title')}
        newLabel={t('console.users.new')}
        rows={admin.data.users}
        loading={admin.loading}
        loadError={loadError}
        onRetry={() => void admin.reload()}
        nameOf={(u) => u.displayName}
        searchTexts={(u) => [
          u.displayName,
          u.username,
          t(`console.roles.${u.role}`),
          ...u.queueIds.map(queueName),
        ]}
        columns={[
          { header: t('console.users.displayName'), cell: (u) => u.displayName },
          { header: t('console.users.username'), cell: (u) => u.username },
          { header: t('console.users.role'), cell: (u) => t(`console.roles.${u.role}`) },
          {
            header: t('console.users.queues'),
            cell: (u) => (u.queueIds.length === 0 ? '—' : u.queueIds.map(queueName).join(', ')),
          },
          { header: t('console.users.capacity'), cell: (u) => u.capacity, numeric: true },
        ]}
        renderForm={(mode, close) => <UserForm mode={mode} admin={admin} onClose={close} />}
        describeDelete={(u) => (
          <>
            <p>{t('console.users.deleteIntro', { name: u.displayName, username: u.username })}</p>
            <p className="admin-note">{t('console.users.deleteConsequence')}</p>
          </>
        )}
        onDelete={async (u) => {
          await deleteAdminUser(u.id);
          await admin.reload();
        }}
      />
      <SignInSecurity />
    </>
  );
}

function UserForm({
  mode,
  admin,
  onClose,
}: {
  mode: FormMode<AdminUserView>;
  admin: AdminDataState;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const form = useSaveForm(USER_FIELDS);
  const [draft, setDraft] = useState<UserDraft>(
    mode.kind === 'edit' ? userDraftOf(mode.row) : EMPTY_USER_DRAFT,
  );
  const [resetting, setResetting] = useState(false);
  const set = <K extends keyof UserDraft>(key: K, value: UserDraft[K]) => {
    form.clear(key);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const routed = draft.role === 'agent';

  async function save() {
    const saved =
      mode.kind === 'create'
        ? await form.submit(createUserRequest(draft), (request) => createAdminUser(request))
        : await form.submit(updateUserRequest(mode.row, draft), (request) =>
            updateAdminUser(mode.row.id, request),
          );
    if (saved) {
      await admin.reload();
      onClose();
    }
  }

  return (
    <>
      <Modal
        title={
          mode.kind === 'create'
            ? t('console.users.new')
            : t('console.editName', { name: mode.row.displayName })
        }
        onClose={onClose}
        onSubmit={() => void save()}
        wide
      >
        <div className="form-grid">
          <TextField
            label={t('console.users.username')}
            value={draft.username}
            onChange={(v) => set('username', v)}
            problem={form.problem('username')}
          />
          <TextField
            label={t('console.users.displayName')}
            value={draft.displayName}
            onChange={(v) => set('displayName', v)}
            problem={form.problem('displayName')}
          />
          <SelectField
            label={t('console.users.role')}
            value={draft.role}
            onChange={(v) => set('role', ROLES.find((r) => r === v) ?? 'agent')}
            problem={form.problem('role')}
            options={ROLES.map((r) => ({ value: r, label: t(`console.roles.${r}`) }))}
          />
          <TextField
            label={t('console.users.capacity')}
            type="number"
            value={draft.capacity}
            onChange={(v) => set('capacity', v)}
            problem={form.problem('capacity')}
            hint={t('console.users.capacityHint')}
          />
          {mode.kind === 'create' && (
            <TextField
              label={t('console.users.password')}
              type="password"
              autoComplete="new-password"
              value={draft.password}
              onChange={(v) => set('password', v)}
              problem={form.problem('password')}
              hint={t('console.users.passwordHint')}
            />
          )}
        </div>
        <MultiSelectField
          label={t('console.users.queues')}
          values={draft.queueIds}
          onChange={(v) => set('queueIds', v)}
          problem={form.problem('queueIds')}
          hint={routed ? undefined : t('console.users.queuesOnlyAgents')}
          options={admin.data.queues.map((q) => ({ value: q.id, label: q.name }))}
          empty={t('console.queues.none')}
        />
        <MultiSelectField
          label={t('console.users.permissions')}
          values={draft.permissions}
          onChange={(v) =>
            set(
              'permissions',
              permissionSchema.options.filter((p) => v.includes(p)),
            )
          }
          problem={form.problem('permissions')}
          hint={t('console.users.permissionsHint')}
          options={permissionSchema.options.map((p) => ({
            value: p,
            label: t(`console.users.permissionNames.${p}`),
          }))}
          empty=""
        />
        {mode.kind === 'edit' && (
          <button type="button" className="button button-secondary" onClick={() => setResetting(true)}>
            {t('console.users.resetPassword')}
          </button>
        )}
        <FormFooter form={form} onCancel={onClose} submitLabel={t('console.save')} />
      </Modal>
      {resetting && mode.kind === 'edit' && (
        <ResetPasswordForm user={mode.row} onClose={() => setResetting(false)} />
      )}
    </>
  );
}

function ResetPasswordForm({ user, onClose }: { user: AdminUserView; onClose: () => void }) {
  const { t } = useTranslation();
  const form = useSaveForm(['password']);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  return (
    <Modal
      title={t('console.users.resetPasswordFor', { name: user.displayName })}
      onClose={onClose}
      onSubmit={() =>
        void form
          .submit(resetPasswordRequest(password), (request) => resetAdminUserPassword(user.id, request))
          .then((ok) => setDone(ok))
      }
    >
      <TextField
        label={t('console.users.newPassword')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(v) => {
          form.clear('password');
          setPassword(v);
        }}
        problem={form.problem('password')}
        hint={t('console.users.resetHint')}
      />
      <p className="admin-status" role="status">
        {done && <span className="admin-status-saved">{t('console.users.passwordReset')}</span>}
      </p>
      <FormFooter form={form} onCancel={onClose} submitLabel={t('console.users.setPassword')} />
    </Modal>
  );
}
