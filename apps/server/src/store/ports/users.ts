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

/** An explicit right beyond a role: `reveal` shows one masked value in clear (audited). */
export type Permission = 'reveal';

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

  // --- permissions ---
  grantPermission(userId: string, permission: Permission): Promise<void>;
  hasPermission(userId: string, permission: Permission): Promise<boolean>;
}
