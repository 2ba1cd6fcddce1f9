import { isLifelineError, NotFoundError, PermanentError, UnsupportedError } from '../../errors';
import type { Entitlement, EntitlementKind } from '../../model';
import { scimTypeOf } from './classifyScimError';
import { forPut, type PatchOperation, patchOrFallBack } from './patchOrPut';
import type { ScimHttp } from './ScimHttp';
import type { ScimUsers } from './ScimUsers';
import { scimEq, scimString } from './scimFilter';
import type { ScimGroup, ScimMultiValue, ScimUser } from './scimWire';

/** The user attribute that holds each non-group entitlement kind. */
const USER_ATTRIBUTE = { role: 'roles', permission: 'entitlements' } as const;

interface RawGroupList {
  totalResults?: number | undefined;
  Resources?: ScimGroup[] | undefined;
}

function hasValue(values: readonly ScimMultiValue[] | undefined, value: string): boolean {
  return values?.some((v) => v.value === value) ?? false;
}

/**
 * Entitlements of SCIM users: group memberships (kind `group`), the user's
 * `roles` (kind `role`) and `entitlements` (kind `permission`). Removal
 * uses `members[value eq "id"]` or the value-array form (config
 * `memberRemoval`), or a PUT of the whole resource when PATCH is unsupported.
 * Removing something the user does not hold is `not_found` (already absent).
 *
 * @example
 * ```ts
 * const entitlements = new ScimEntitlements(http, users);
 * await entitlements.revoke(userId, { id: groupId, kind: 'group' });
 * ```
 */
export class ScimEntitlements {
  readonly #http: ScimHttp;
  readonly #users: ScimUsers;

  constructor(http: ScimHttp, users: ScimUsers) {
    this.#http = http;
    this.#users = users;
  }

  #groupEndpoint(): string {
    const endpoint = this.#users.caps.groupEndpoint;
    if (endpoint === undefined) {
      throw new UnsupportedError('The SCIM server has no Group resource type (per /ResourceTypes).', {
        context: this.#http.context(),
        mayHaveReachedServer: false,
      });
    }
    return endpoint;
  }

  #groupPath(id: string): string {
    return `${this.#groupEndpoint()}/${encodeURIComponent(id)}`;
  }

  /** The user's groups, roles and entitlements. */
  async list(userId: string): Promise<Entitlement[]> {
    const { user } = await this.#users.get(userId);
    const groups =
      user.groups ??
      (await this.#groupsWithMember(userId)).map((g) => ({ value: g.id, display: g.displayName }));
    const items: Entitlement[] = groups.map((g) => ({
      id: g.value,
      kind: 'group',
      accountId: userId,
      ...(g.display === undefined ? {} : { name: g.display.slice(0, 256) }),
    }));
    for (const [kind, attribute] of Object.entries(USER_ATTRIBUTE) as [
      'role' | 'permission',
      'roles' | 'entitlements',
    ][]) {
      for (const v of user[attribute] ?? []) {
        items.push({
          id: v.value,
          kind,
          accountId: userId,
          ...(v.display === undefined ? {} : { name: v.display.slice(0, 256) }),
        });
      }
    }
    return items;
  }

  /** Every group (one page), as entitlements of kind `group`. */
  async listGroups(
    cursor: string | undefined,
    pageSize: number | undefined,
  ): Promise<{ items: Entitlement[]; nextCursor?: string }> {
    const startIndex = cursor === undefined ? 1 : Number(cursor);
    const count = pageSize ?? this.#http.ctx.config.pageSize;
    const { value } = await this.#http.read<RawGroupList>(
      {
        method: 'GET',
        path: this.#groupEndpoint(),
        query: { startIndex, count, excludedAttributes: 'members' },
      },
      'groupList',
    );
    const groups = value.Resources ?? [];
    const next = startIndex + groups.length;
    const done =
      groups.length === 0 ||
      (value.totalResults !== undefined ? next > value.totalResults : groups.length < count);
    return {
      items: groups.map((g) => ({ id: g.id, kind: 'group', name: g.displayName.slice(0, 256) })),
      ...(done ? {} : { nextCursor: String(next) }),
    };
  }

  async #groupsWithMember(userId: string): Promise<ScimGroup[]> {
    const endpoint = this.#users.caps.groupEndpoint;
    if (endpoint === undefined) return [];
    const { pageSize, scanLimit } = this.#http.ctx.config;
    const found: ScimGroup[] = [];
    for (let startIndex = 1; startIndex <= scanLimit; ) {
      const { value } = await this.#http.read<RawGroupList>(
        {
          method: 'GET',
          path: endpoint,
          query: { filter: scimEq('members.value', userId), startIndex, count: pageSize },
        },
        'groupList',
      );
      const groups = value.Resources ?? [];
      // Check client-side: a server that ignores the filter must not make every group look held.
      found.push(...groups.filter((g) => hasValue(g.members, userId)));
      startIndex += groups.length;
      const total = value.totalResults;
      if (groups.length === 0 || (total !== undefined ? startIndex > total : groups.length < pageSize))
        return found;
    }
    throw new PermanentError(
      `The user's groups span more than scanLimit (${scanLimit}) results; raise scanLimit.`,
      { context: this.#http.context() },
    );
  }

  async #readGroup(id: string): Promise<{ group: ScimGroup; version: string | undefined }> {
    const { value, answer } = await this.#http.read<ScimGroup>(
      { method: 'GET', path: this.#groupPath(id) },
      'group',
    );
    return { group: value, version: value.meta?.version ?? answer.headers.get('etag') ?? undefined };
  }

  async #isMember(
    user: ScimUser,
    groupId: string,
  ): Promise<{ member: boolean; group?: { group: ScimGroup; version: string | undefined } }> {
    if (user.groups !== undefined && !this.#users.usesEtag && this.#users.caps.patch) {
      return { member: hasValue(user.groups, groupId) };
    }
    const group = await this.#readGroup(groupId);
    return { member: hasValue(group.group.members, user.id), group };
  }

  /** Removes the user from a group, or a role / entitlement value from the user. */
  async revoke(
    userId: string,
    entitlement: { id: string; kind?: EntitlementKind | undefined },
  ): Promise<void> {
    const kind = entitlement.kind ?? 'group';
    const { user } = await this.#users.get(userId);
    if (kind === 'group') return this.#leaveGroup(user, entitlement.id);
    if (kind === 'role' || kind === 'permission')
      return this.#removeValue(user, USER_ATTRIBUTE[kind], entitlement.id);
    throw new UnsupportedError(
      `SCIM has no ${kind} entitlements; it manages groups, roles and entitlements (permission).`,
      {
        context: this.#http.context(),
        mayHaveReachedServer: false,
      },
    );
  }

  /** Adds the user to a group, or a role / entitlement value to the user; holding it already is success. */
  async grant(
    userId: string,
    entitlement: { id: string; kind?: EntitlementKind | undefined },
  ): Promise<void> {
    const kind = entitlement.kind ?? 'group';
    const { user, version } = await this.#users.get(userId);
    if (kind === 'group') {
      const { member, group } = await this.#isMember(user, entitlement.id);
      if (member) return;
      const current =
        group ??
        (this.#users.usesEtag || !this.#users.caps.patch ? await this.#readGroup(entitlement.id) : undefined);
      const path = this.#groupPath(entitlement.id);
      const answer = await patchOrFallBack(
        this.#http,
        this.#users.caps,
        path,
        [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
        this.#users.usesEtag ? current?.version : undefined,
      );
      if (answer !== undefined) return;
      const latest = current ?? (await this.#readGroup(entitlement.id));
      await this.#http.send({
        method: 'PUT',
        path,
        body: { ...forPut(latest.group), members: [...(latest.group.members ?? []), { value: user.id }] },
        ifMatch: this.#users.usesEtag ? latest.version : undefined,
      });
      return;
    }
    if (kind !== 'role' && kind !== 'permission') {
      throw new UnsupportedError(`SCIM has no ${kind} entitlements.`, {
        context: this.#http.context(),
        mayHaveReachedServer: false,
      });
    }
    const attribute = USER_ATTRIBUTE[kind];
    if (hasValue(user[attribute], entitlement.id)) return;
    const answer = await patchOrFallBack(
      this.#http,
      this.#users.caps,
      this.#users.pathOf(user.id),
      [{ op: 'add', path: attribute, value: [{ value: entitlement.id }] }],
      this.#users.usesEtag ? version : undefined,
    );
    if (answer !== undefined) return;
    await this.#users.put(
      user.id,
      { ...forPut(user), [attribute]: [...(user[attribute] ?? []), { value: entitlement.id }] },
      this.#users.usesEtag ? version : undefined,
      () => undefined,
    );
  }

  async #leaveGroup(user: ScimUser, groupId: string): Promise<void> {
    const { member, group } = await this.#isMember(user, groupId);
    if (!member) {
      throw new NotFoundError('The user is not a member of the group (already absent).', {
        context: this.#http.context(),
      });
    }
    const path = this.#groupPath(groupId);
    const ifMatch = this.#users.usesEtag ? group?.version : undefined;
    const removed = await this.#removeByPatch(path, 'group', 'members', user.id, ifMatch);
    if (removed === 'patched') return;
    if (removed === 'absent') {
      throw new NotFoundError('The user is not a member of the group (already absent).', {
        context: this.#http.context(),
      });
    }
    const latest = group ?? (await this.#readGroup(groupId));
    const answer = await this.#http.send({
      method: 'PUT',
      path,
      body: {
        ...forPut(latest.group),
        members: (latest.group.members ?? []).filter((m) => m.value !== user.id),
      },
      ifMatch: this.#users.usesEtag ? latest.version : undefined,
    });
    if (
      answer.body !== undefined &&
      hasValue(this.#http.parse<ScimGroup>(answer.body, 'group').members, user.id)
    ) {
      throw new PermanentError('The SCIM server accepted the PUT but the user is still a member.', {
        context: this.#http.context(),
      });
    }
  }

  async #removeValue(user: ScimUser, attribute: 'roles' | 'entitlements', value: string): Promise<void> {
    if (!hasValue(user[attribute], value)) {
      throw new NotFoundError(
        `The user does not hold that ${attribute === 'roles' ? 'role' : 'entitlement'} (already absent).`,
        {
          context: this.#http.context(),
        },
      );
    }
    const latest = this.#users.usesEtag ? await this.#users.get(user.id) : undefined;
    const removed = await this.#removeByPatch(
      this.#users.pathOf(user.id),
      'user',
      attribute,
      value,
      latest?.version,
    );
    if (removed === 'patched') return;
    if (removed === 'absent') throw new NotFoundError('Already absent.', { context: this.#http.context() });
    const current = latest ?? (await this.#users.get(user.id));
    await this.#users.put(
      user.id,
      {
        ...forPut(current.user),
        [attribute]: (current.user[attribute] ?? []).filter((v) => v.value !== value),
      },
      this.#users.usesEtag ? current.version : undefined,
      (after) => {
        if (hasValue(after[attribute], value)) {
          throw new PermanentError('The SCIM server accepted the PUT but the value is still there.', {
            context: this.#http.context(),
          });
        }
      },
    );
  }

  /**
   * Removes `value` from the multi-valued `attribute` by PATCH, in the form
   * the config asks for; in `auto`, a 400 to the filtered path is retried with
   * the value-array form. `noTarget` means the value was not there.
   */
  async #removeByPatch(
    path: string,
    kind: 'group' | 'user',
    attribute: string,
    value: string,
    ifMatch: string | undefined,
  ): Promise<'patched' | 'absent' | 'unsupported'> {
    const mode = this.#http.ctx.config.memberRemoval;
    const byPath: PatchOperation = { op: 'remove', path: `${attribute}[value eq ${scimString(value)}]` };
    const byValue: PatchOperation = { op: 'remove', path: attribute, value: [{ value }] };
    const attempt = async (operation: PatchOperation): Promise<'patched' | 'unsupported'> => {
      const answer = await patchOrFallBack(this.#http, this.#users.caps, path, [operation], ifMatch);
      if (answer === undefined) return 'unsupported';
      if (answer.body !== undefined) {
        const after = this.#http.parse<Record<string, unknown>>(answer.body, kind);
        const values = after[attribute];
        if (Array.isArray(values) && values.some((v) => (v as { value?: unknown } | null)?.value === value)) {
          throw new PermanentError(
            `The SCIM server accepted the PATCH but the value is still in ${attribute}.`,
            {
              context: this.#http.context(),
            },
          );
        }
      }
      return 'patched';
    };
    try {
      return await attempt(mode === 'valueArray' ? byValue : byPath);
    } catch (error) {
      if (!isLifelineError(error, 'invalid_input')) throw error;
      if (mode === 'auto') {
        this.#http.ctx.logger.info(
          'lifeline scim: the server rejected the filtered remove path; using the value-array form',
          {
            connector: this.#http.ctx.connector.id,
            tenant: this.#http.ctx.tenant,
          },
        );
        try {
          return await attempt(byValue);
        } catch (second) {
          if (isLifelineError(second, 'invalid_input') && scimTypeOf(second) === 'noTarget') return 'absent';
          throw second;
        }
      }
      if (scimTypeOf(error) === 'noTarget') return 'absent';
      throw error;
    }
  }
}
