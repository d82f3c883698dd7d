import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '@parlo/protocol';
import { MessageBubble } from './message-bubble.tsx';

/** Scrolled this close to the top, the page before is fetched. */
const LOAD_OLDER_WITHIN_PX = 400;
/** The list's top padding (interaction.css `.message-list`): where the first bubble starts. */
const LIST_PADDING_PX = 20;

interface MessageListProps {
  conversationId: string;
  messages: readonly MessageView[];
  customerName: string;
  agentName: string;
  onReply: ((message: MessageView) => void) | undefined;
  /** Notes shown above the messages (loading, an error, "no messages yet"). */
  notes: ReactNode;
  /** Whether the server holds messages older than the first one we hold. */
  hasOlder: boolean;
  loadingOlder: boolean;
  onNeedOlder: () => void;
}

/**
 * Issue 15: the transcript, virtualized (@tanstack/react-virtual): only the bubbles in view (and a
 * few either side) are in the DOM, so a conversation of 10,000 messages costs what one screen
 * does. Opens at the newest message and follows new ones; scrolling up fetches older pages and
 * keeps the message that was on top in place.
 */
export function MessageList(props: MessageListProps) {
  const { t } = useTranslation();
  const { messages, conversationId } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design (it measures and re-renders us): the React Compiler
  // leaves this component unmemoized, which is what it needs.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    overscan: 8,
    scrollMargin: LIST_PADDING_PX,
    getItemKey: (index) => {
      const m = messages[index];
      return m ? (m.clientMessageId ?? m.id) : index;
    },
  });

  // What we showed last: tells a new message at the end (follow it) from an older page (keep place).
  const shown = useRef<{
    conversationId: string;
    first: string | undefined;
    last: string | undefined;
    count: number;
  }>({ conversationId: '', first: undefined, last: undefined, count: 0 });
  const first = messages[0]?.id;
  const last = messages.at(-1)?.id;
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = { conversationId, first, last, count: messages.length };
    if (messages.length === 0) return;
    if (before.conversationId !== conversationId || before.last !== last) {
      virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    } else if (before.first !== first && before.count > 0 && messages.length > before.count) {
      virtualizer.scrollToIndex(messages.length - before.count, { align: 'start' });
    }
  }, [conversationId, first, last, messages.length, virtualizer]);

  function onScroll() {
    const element = scrollRef.current;
    if (!element || !props.hasOlder || props.loadingOlder) return;
    if (element.scrollTop < LOAD_OLDER_WITHIN_PX) props.onNeedOlder();
  }

  // Notes sit outside the scrolled element, whose only child is the virtual list.
  return (
    <>
      {props.loadingOlder && <p className="message-note">{t('interaction.loadingOlder')}</p>}
      {props.notes}
      <div
        className="message-list"
        ref={scrollRef}
        role="log"
        aria-label={t('interaction.history')}
        onScroll={onScroll}
      >
        <div className="message-list-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index];
            if (!message) return null;
            return (
              <div
                key={item.key}
                className="message-list-item"
                data-index={item.index}
                ref={virtualizer.measureElement}
                style={{ transform: `translateY(${item.start - LIST_PADDING_PX}px)` }}
              >
                <MessageBubble
                  message={message}
                  customerName={props.customerName}
                  onReply={props.onReply}
                  agentName={props.agentName}
                />
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
