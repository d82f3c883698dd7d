import type { LabelView } from '@parlo/protocol';
import './labels.css';

/**
 * Issue 18: a conversation's labels as small colored chips (task list rows, search results, the
 * conversation header). Names are the administrator's, isolated for bidirectional text.
 */
export function LabelChips({ labels }: { labels: readonly LabelView[] | undefined }) {
  if (!labels || labels.length === 0) return null;
  return (
    <span className="label-chips">
      {labels.map((label) => (
        <LabelChip key={label.id} label={label} />
      ))}
    </span>
  );
}

export function LabelChip({ label }: { label: LabelView }) {
  return (
    <span
      className={`label-chip label-${label.color}`}
      data-testid="label-chip"
      data-label-id={label.id}
      title={label.description ?? undefined}
    >
      <bdi>{label.name}</bdi>
    </span>
  );
}
