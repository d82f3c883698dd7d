import type { ErrorCode } from '@parlo/protocol';

/** Codes the desktop itself produces when a request never got a catalog answer. */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

/**
 * English strings: the reference locale. Every other locale must have exactly these keys
 * (enforced by the `Translation` type in `it.ts` and by a unit test).
 */
export const en = {
  app: {
    name: 'Parlo',
    loading: 'Loading…',
    notAnAgent: 'This account has no agent profile, so it cannot take conversations.',
    outdated: 'This desktop is out of date. Reload the page to continue.',
    reload: 'Reload',
    dismiss: 'Dismiss',
  },
  language: {
    label: 'Language',
    en: 'English',
    it: 'Italiano',
  },
  login: {
    title: 'Sign in to the agent desktop',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrongCredentials: 'Wrong username or password',
  },
  header: {
    agentState: 'Agent state',
    available: 'Available',
    idle: 'Idle – {{name}}',
    idleUnknown: 'Idle',
    rona: 'RONA',
    ronaHint: 'You missed a contact request. Choose Available to receive requests again.',
    timeInState: 'Time in state',
    signOut: 'Sign out',
    signOutBlocked: 'Finish your contact requests and conversations before signing out',
  },
  connection: {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
  },
  offers: {
    title: 'Contact request',
    customerPhone: 'Customer number',
    origin: 'Origin number',
    queue: 'Queue',
    waiting: 'Waiting since received',
    accept: 'Accept',
    noLongerAvailable: 'This request is no longer available',
  },
  tasks: {
    title: 'Conversations',
    empty: 'No conversations yet. Accepted contact requests appear here.',
    contactSource: 'Contact source',
    phaseActive: 'Active',
    phaseWrapUp: 'Wrap-up',
  },
  interaction: {
    empty: 'Select a conversation',
    emptyHint: 'When you accept a contact request, the conversation opens here.',
    contactSource: 'Contact source',
    queue: 'Queue',
    end: 'End',
    wrapUp: 'Wrap up',
    wrapUpNotice: 'This conversation has ended. Choose a wrap-up reason to complete it.',
    history: 'Conversation history',
    loadingMessages: 'Loading messages…',
    noMessages: 'No messages yet',
    statusPending: 'Sending',
    statusSent: 'Sent',
    statusDelivered: 'Delivered',
    statusRead: 'Read',
    statusFailed: 'Not delivered',
    failedWithReason: 'Not delivered: {{reason}}',
  },
  composer: {
    label: 'Message',
    placeholder: 'Reply to {{name}} — Enter to send, Shift+Enter for a new line',
    placeholderDisabled: 'This conversation is in wrap-up',
    send: 'Send',
    counter: '{{used}} / {{max}}',
    windowLeft: '24-hour window: {{time}} left',
    windowClosed: 'The 24-hour window has closed: free-text replies are no longer possible.',
  },
  wrapUp: {
    title: 'Wrap-up reasons',
    intro: 'Choose why this conversation ended.',
    search: 'Search reasons',
    searchPlaceholder: 'Search…',
    noMatch: 'No reason matches your search',
    selected: 'Selected: {{name}}',
    submit: 'Submit wrap-up',
    close: 'Close',
  },
  admin: {
    title: 'Administration',
    nothingForSupervisors: 'Nothing here yet for supervisors.',
    settings: {
      title: 'Settings',
      loading: 'Loading settings…',
      loadFailed: 'Could not load the settings: {{reason}}',
      retry: 'Try again',
      maskLabel: 'Mask sensitive customer data',
      maskHint:
        'Agents see card numbers, IBANs, social security numbers, email addresses and phone numbers masked, e.g. ************1111.',
      savedOn: 'Saved: agents now see sensitive customer data masked.',
      savedOff: 'Saved: agents now see customer data unmasked.',
      saveFailed: 'Not saved: {{reason}}',
    },
  },
  errors: {
    VALIDATION_FAILED: 'The request was not valid.',
    MESSAGE_TOO_LONG: 'The message is too long (at most 4096 characters).',
    UNKNOWN_IDLE_CODE: 'That idle code no longer exists.',
    UNKNOWN_WRAP_UP_REASON: 'That wrap-up reason no longer exists.',
    MALFORMED_WEBHOOK: 'The server rejected a malformed request.',
    UNAUTHENTICATED: 'Your session has expired. Sign in again.',
    INVALID_CREDENTIALS: 'Wrong username or password',
    BAD_SIGNATURE: 'The request signature was not valid.',
    FORBIDDEN: 'You are not allowed to do that.',
    NOT_OFFER_RECIPIENT: 'This request was offered to someone else.',
    NOT_CONVERSATION_OWNER: 'This conversation is no longer yours.',
    VERIFY_TOKEN_MISMATCH: 'The verification token did not match.',
    NOT_FOUND: 'Not found.',
    UNKNOWN_BUSINESS_NUMBER: 'Unknown business number.',
    OFFER_NOT_PENDING: 'This request is no longer available',
    CONVERSATION_NOT_ACTIVE: 'This conversation is no longer active.',
    CONVERSATION_NOT_IN_WRAP_UP: 'This conversation is not in wrap-up.',
    OUTSIDE_SERVICE_WINDOW: 'The 24-hour window has closed: free-text replies are no longer possible.',
    AGENT_HAS_WORK: 'Finish your contact requests and conversations first.',
    PAYLOAD_TOO_LARGE: 'The request was too large.',
    UNSUPPORTED_MEDIA_TYPE: 'Unsupported content type.',
    RATE_LIMITED: 'Too many requests. Try again in a moment.',
    INTERNAL: 'Something went wrong on the server.',
    UNAVAILABLE: 'The server is unavailable. Try again shortly.',
    NETWORK: 'Cannot reach the server. Check your connection.',
    BAD_RESPONSE: 'The server sent an unexpected answer.',
  } satisfies Record<ErrorCode | ClientErrorCode, string>,
} as const;

/** Same shape as `en`, every leaf a string: what another locale must provide. */
export type Translation = Widen<typeof en>;

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
