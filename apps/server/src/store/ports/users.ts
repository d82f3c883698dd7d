/** The users-and-sessions aggregate: who may log in, their live sessions, and explicit rights. */

export type Role = 'agent' | 'supervisor' | 'admin';

export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: number;
  /** Soft delete: set once an admin deleted the user (history keeps the name). */
  readonly deletedAt?: number | null;
}

export interface SessionRow {
  /** SHA-256 of the cookie's token: a stolen database does not yield live sessions. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A user's single sign-on identity: the subject (`sub`) an OpenID Connect issuer vouches for. */
export interface UserIdentityRow {
  readonly issuer: string;
  readonly subject: string;
  readonly userId: string;
  readonly createdAt: number;
}

/**
 * An explicit right beyond a role (each use audited): `reveal` shows one masked value in clear;
 * `customerData.export` exports a customer's data (GDPR art. 15), `customerData.erase` erases it
 * (art. 17); `history.readAll` lets an agent read any conversation's transcript (issue 15);
 * `transcript.export` lets an agent export a transcript they may read (supervisors and
 * administrators may by their role).
 */
export type Permission =
  'reveal' | 'customerData.export' | 'customerData.erase' | 'history.readAll' | 'transcript.export';

/** Users, their sessions and their permissions. Every method runs inside its transaction. */
export interface UsersRepository {
  insertUser(user: UserRow): Promise<void>;
  findUserByUsername(username: string): Promise<UserRow | undefined>;
  /** Deleted users too (history shows their names); `findUserByUsername` and `listUsers` skip them. */
  findUserById(id: string): Promise<UserRow | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Changes the fields present; false if there is no such (live) user. */
  updateUser(
    id: string,
    patch: Partial<Pick<UserRow, 'username' | 'displayName' | 'role' | 'passwordHash'>>,
  ): Promise<boolean>;
  /** Marks deleted and frees the username; false if there is no such live user. */
  softDeleteUser(id: string, at: number): Promise<boolean>;
  deleteSessionsOfUser(userId: string): Promise<void>;
  insertSession(session: SessionRow): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRow | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  // --- single sign-on identities (issuer + subject -> user) ---
  /** Links an identity to a user; an identity already linked is refused (primary key). */
  linkIdentity(identity: UserIdentityRow): Promise<void>;
  /** The user an identity is linked to (deleted users too: the caller decides), or undefined. */
  findUserByIdentity(issuer: string, subject: string): Promise<UserRow | undefined>;

  // --- permissions ---
  grantPermission(userId: string, permission: Permission): Promise<void>;
  hasPermission(userId: string, permission: Permission): Promise<boolean>;
  /** Each user's explicit permissions (users without any are absent). */
  permissionsOf(userIds: readonly string[]): Promise<Map<string, Permission[]>>;
  /** Replaces a user's explicit permissions with exactly these. */
  setPermissions(userId: string, permissions: readonly Permission[]): Promise<void>;
}
