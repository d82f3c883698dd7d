import { useEffect, useId, useReducer, useRef, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationView } from '@parlo/protocol';
import { fetchCollaborationTargets, requestConference, transferConversation } from '../../api/client.ts';
import { asRequestError } from '../../api/request-error.ts';
import { useDispatch } from '../../realtime/realtime-context.ts';
import {
  canSubmit,
  chosenTarget,
  currentTargets,
  initialTargetPickerState,
  targetPickerReducer,
  visibleOptions,
  type TargetKind,
} from './target-picker-state.ts';
import { customerHandle } from '../../lib/customer-handle.ts';
import './collaboration.css';

/** The same dialog serves both: only the title, the intro and the submit label differ (S-19). */
export type CollaborationPurpose = 'transfer' | 'conference';

interface TargetPickerDialogProps {
  purpose: CollaborationPurpose;
  conversation: ConversationView;
  onClose: () => void;
  /** Called with the server's new view of the conversation once the request was accepted. */
  onDone: (conversation: ConversationView) => void;
}

const KINDS: readonly TargetKind[] = ['queue', 'agent'];

/**
 * S-14..S-17, S-19: the Transfer request / Conference request dialog. Queue or Agent, a list
 * filtered by a search field as you type, a refresh control, and Submit enabled once a target is
 * chosen. A refusal is shown here and the conversation stays with the agent.
 */
export function TargetPickerDialog({ purpose, conversation, onClose, onDone }: TargetPickerDialogProps) {
  const { t } = useTranslation();
  const dispatchDesktop = useDispatch();
  const titleId = useId();
  const rowId = useId();
  const searchRef = useRef<HTMLInputElement>(null);
  const [state, dispatch] = useReducer(targetPickerReducer, initialTargetPickerState);
  // A ref as well as the state: two clicks in one frame both see the state before the first.
  const inFlight = useRef(false);
  const conversationId = conversation.id;

  useEffect(() => {
    const epoch = state.loadEpoch;
    const controller = new AbortController();
    fetchCollaborationTargets(conversationId, purpose, controller.signal).then(
      (targets) => dispatch({ type: 'targets.loaded', epoch, targets }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          dispatch({ type: 'targets.failed', epoch, code: asRequestError(error).code });
      },
    );
    return () => controller.abort();
  }, [conversationId, purpose, state.loadEpoch]);

  useEffect(() => {
    searchRef.current?.focus();
  }, [state.kind]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') onClose();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const options = visibleOptions(state);
  const chosen = chosenTarget(state);
  const hasAny = (currentTargets(state)?.[state.kind === 'queue' ? 'queues' : 'agents'].length ?? 0) > 0;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen || !canSubmit(state) || inFlight.current) return;
    inFlight.current = true;
    dispatch({ type: 'submit.started' });
    try {
      const updated =
        purpose === 'transfer'
          ? await transferConversation(conversationId, chosen.target)
          : await requestConference(conversationId, chosen.target);
      dispatchDesktop({ type: 'conversation.reported', conversation: updated });
      onDone(updated);
    } catch (error) {
      dispatch({ type: 'submit.failed', code: asRequestError(error).code });
    } finally {
      inFlight.current = false;
    }
  }

  const loadError = state.load.status === 'failed' ? state.load.code : null;

  return (
    <div className="modal-backdrop">
      <form
        className="modal target-picker"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-purpose={purpose}
        onSubmit={(e) => void submit(e)}
      >
        <header className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              {purpose === 'transfer' ? t('collaboration.transferTitle') : t('collaboration.conferenceTitle')}
            </h2>
            <p className="modal-subtitle">
              <bdi>{conversation.customerName}</bdi> · <bdi>{customerHandle(conversation)}</bdi>
            </p>
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={t('collaboration.close')}
            onClick={onClose}
          >
            ×
          </button>
        </header>
        <p className="modal-intro">
          {purpose === 'transfer' ? t('collaboration.transferIntro') : t('collaboration.conferenceIntro')}
        </p>
        <fieldset className="segmented" disabled={state.submitting}>
          <legend className="visually-hidden">{t('collaboration.targetKind')}</legend>
          {KINDS.map((kind) => (
            <label key={kind} className={`segment${state.kind === kind ? ' segment-selected' : ''}`}>
              <input
                type="radio"
                name="target-kind"
                value={kind}
                checked={state.kind === kind}
                onChange={() => dispatch({ type: 'kind.changed', kind })}
              />
              <span>{kind === 'queue' ? t('collaboration.queue') : t('collaboration.agent')}</span>
            </label>
          ))}
        </fieldset>
        <div className="target-search">
          <input
            ref={searchRef}
            className="input"
            type="search"
            aria-label={
              state.kind === 'queue' ? t('collaboration.searchQueues') : t('collaboration.searchAgents')
            }
            placeholder={t('collaboration.searchPlaceholder')}
            value={state.query}
            onChange={(e) => dispatch({ type: 'query.changed', query: e.target.value })}
          />
          <button
            type="button"
            className="button button-secondary"
            aria-label={t('collaboration.refresh')}
            title={t('collaboration.refresh')}
            disabled={state.load.status === 'loading'}
            aria-busy={state.load.status === 'loading'}
            onClick={() => dispatch({ type: 'refresh.requested' })}
          >
            ↻
          </button>
        </div>
        <fieldset className="reason-list target-list" aria-busy={state.load.status === 'loading'}>
          <legend className="visually-hidden">
            {state.kind === 'queue' ? t('collaboration.queues') : t('collaboration.agents')}
          </legend>
          {state.load.status === 'loading' && currentTargets(state) === null && (
            <p className="message-note">{t('collaboration.loading')}</p>
          )}
          {currentTargets(state) !== null && !hasAny && (
            <p className="message-note">
              {state.kind === 'queue' ? t('collaboration.noQueues') : t('collaboration.noAgents')}
            </p>
          )}
          {hasAny && options.length === 0 && <p className="message-note">{t('collaboration.noMatch')}</p>}
          {options.map((option) => {
            const nameId = `${rowId}-${option.id}-name`;
            const slotsId = `${rowId}-${option.id}-slots`;
            return (
              <label
                key={option.id}
                className={`reason${option.id === state.chosenId ? ' reason-selected' : ''}`}
              >
                <input
                  type="radio"
                  name="collaboration-target"
                  value={option.id}
                  checked={option.id === state.chosenId}
                  disabled={state.submitting}
                  aria-labelledby={nameId}
                  aria-describedby={option.freeSlots === null ? undefined : slotsId}
                  onChange={() => dispatch({ type: 'target.chosen', id: option.id })}
                />
                <span id={nameId}>{option.name}</span>
                {option.freeSlots !== null && (
                  <span id={slotsId} className="target-slots">
                    {t('collaboration.freeSlots', { count: option.freeSlots })}
                  </span>
                )}
              </label>
            );
          })}
        </fieldset>
        {loadError !== null && (
          <p className="form-error" role="alert">
            {t('collaboration.loadFailed', { reason: t(`errors.${loadError}`) })}
          </p>
        )}
        {state.submitError !== null && (
          <p className="form-error" role="alert" data-testid="collaboration-error">
            {t(`errors.${state.submitError}`)}
          </p>
        )}
        <footer className="modal-footer">
          <span className="reason-chosen">
            {chosen ? t('collaboration.selected', { name: chosen.name }) : ''}
          </span>
          <button
            type="submit"
            className="button button-primary"
            disabled={!canSubmit(state)}
            aria-busy={state.submitting}
          >
            {purpose === 'transfer' ? t('collaboration.submitTransfer') : t('collaboration.submitConference')}
          </button>
        </footer>
      </form>
    </div>
  );
}
