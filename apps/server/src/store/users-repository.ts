import type { Insertable, Selectable, Transaction, Updateable } from 'kysely';
import { IN_LIST_CHUNK, oneOf, updatedAny } from './columns.ts';
import type {
  Permission,
  Role,
  SessionRow,
  UserIdentityRow,
  UserRow,
  UsersRepository,
} from './ports/users.ts';
import type { Database, SessionsTable, UsersTable } from './schema.ts';

/** Users, sessions and permissions over `users`, `sessions` and `user_permissions`. */
export class KyselyUsersRepository implements UsersRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async insertUser(user: UserRow): Promise<void> {
    await this.db.insertInto('users').values(userToRow(user)).execute();
  }

  async findUserByUsername(username: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && userFromRow(row);
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('deleted_at', 'is', null)
      .orderBy('username')
      .execute();
    return rows.map(userFromRow);
  }

  async updateUser(id: string, patch: UserPatch): Promise<boolean> {
    const set = userPatchToRow(patch);
    if (Object.keys(set).length === 0) return (await this.findUserById(id))?.deletedAt === null;
    const result = await this.db
      .updateTable('users')
      .set(set)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
  }

  async softDeleteUser(id: string, at: number): Promise<boolean> {
    // The username is unique: a placeholder frees it for a new user; the display name stays.
    const result = await this.db
      .updateTable('users')
      .set({ deleted_at: at, username: `deleted~${id}` })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return updatedAny(result);
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async insertSession(session: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(sessionToRow(session)).execute();
  }

  async findSession(tokenHash: string): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && sessionFromRow(row);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async linkIdentity(identity: UserIdentityRow): Promise<void> {
    await this.db
      .insertInto('user_identities')
      .values({
        issuer: identity.issuer,
        subject: identity.subject,
        user_id: identity.userId,
        created_at: identity.createdAt,
      })
      .execute();
  }

  async findUserByIdentity(issuer: string, subject: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('user_identities')
      .innerJoin('users', 'users.id', 'user_identities.user_id')
      .selectAll('users')
      .where('user_identities.issuer', '=', issuer)
      .where('user_identities.subject', '=', subject)
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  async grantPermission(userId: string, permission: Permission): Promise<void> {
    await this.db
      .insertInto('user_permissions')
      .values({ user_id: userId, permission })
      .onConflict((oc) => oc.columns(['user_id', 'permission']).doNothing())
      .execute();
  }

  async hasPermission(userId: string, permission: Permission): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_permissions')
      .select('permission')
      .where('user_id', '=', userId)
      .where('permission', '=', permission)
      .executeTakeFirst();
    return row !== undefined;
  }

  async permissionsOf(userIds: readonly string[]): Promise<Map<string, Permission[]>> {
    const byUser = new Map<string, Permission[]>();
    for (let i = 0; i < userIds.length; i += IN_LIST_CHUNK) {
      const rows = await this.db
        .selectFrom('user_permissions')
        .select(['user_id', 'permission'])
        .where('user_id', 'in', userIds.slice(i, i + IN_LIST_CHUNK))
        .orderBy('permission')
        .execute();
      for (const row of rows) {
        const list = byUser.get(row.user_id) ?? [];
        list.push(row.permission as Permission);
        byUser.set(row.user_id, list);
      }
    }
    return byUser;
  }

  async setPermissions(userId: string, permissions: readonly Permission[]): Promise<void> {
    await this.db.deleteFrom('user_permissions').where('user_id', '=', userId).execute();
    const unique = [...new Set(permissions)];
    if (unique.length > 0)
      await this.db
        .insertInto('user_permissions')
        .values(unique.map((permission) => ({ user_id: userId, permission })))
        .execute();
  }
}

// --- row mappings of `users` and `sessions` ---

const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

/** The fields `updateUser` may change. */
type UserPatch = Parameters<UsersRepository['updateUser']>[1];

/** A new user's row: inserted live (only `softDeleteUser` sets `deleted_at`). */
function userToRow(user: UserRow): Insertable<UsersTable> {
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    role: user.role,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
  };
}

/** The columns of the fields present in `patch`; none when it is empty. */
function userPatchToRow(patch: UserPatch): Updateable<UsersTable> {
  return {
    ...(patch.username === undefined ? {} : { username: patch.username }),
    ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
    ...(patch.role === undefined ? {} : { role: patch.role }),
    ...(patch.passwordHash === undefined ? {} : { password_hash: patch.passwordHash }),
  };
}

function userFromRow(row: Selectable<UsersTable>): UserRow {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: oneOf(row.role, ROLES, 'role'),
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.deleted_at === null ? {} : { deletedAt: row.deleted_at }),
  };
}

function sessionToRow(session: SessionRow): Insertable<SessionsTable> {
  return {
    token_hash: session.tokenHash,
    user_id: session.userId,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
  };
}

function sessionFromRow(row: Selectable<SessionsTable>): SessionRow {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
