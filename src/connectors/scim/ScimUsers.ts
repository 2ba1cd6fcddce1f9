import { isLifelineError, PermanentError, SchemaDriftError } from '../../errors';
import { scimTypeOf } from './classifyScimError';
import { decodeListCursor, encodeListCursor } from './listCursor';
import { forPut, patchOrFallBack } from './patchOrPut';
import { type ScimCapabilities, scimCapabilities } from './ScimCapabilities';
import type { ScimHttp } from './ScimHttp';
import { sameUserName, scimEq } from './scimFilter';
import type { ScimUser } from './scimWire';

/** A page of users and where the next one starts. */
export interface ScimUserPage {
  readonly users: ScimUser[];
  readonly nextCursor: string | undefined;
}

/** A user with the version to send as `If-Match`. */
export interface VersionedUser {
  readonly user: ScimUser;
  /** `meta.version`, or the `ETag` header; undefined when the server sent neither. */
  readonly version: string | undefined;
}

/** Characters a filter string literal must escape (RFC 7644 §3.4.2.2 / JSON strings). */
function needsEscaping(value: string): boolean {
  for (const char of value) if (char === '"' || char === '\\' || char.charCodeAt(0) < 0x20) return true;
  return false;
}

interface RawList {
  totalResults?: number | undefined;
  Resources?: ScimUser[] | undefined;
}

/**
 * Users of one SCIM server, for one operation attempt: get, page, find by
 * attribute (server filter, checked client-side; a client-side scan when the
 * server cannot filter), create, activate/deactivate (PATCH, or PUT of the
 * whole resource), delete.
 *
 * @example
 * ```ts
 * const users = await ScimUsers.open(http);
 * await users.setActive(id, false);
 * ```
 */
export class ScimUsers {
  readonly #http: ScimHttp;
  readonly caps: ScimCapabilities;

  private constructor(http: ScimHttp, caps: ScimCapabilities) {
    this.#http = http;
    this.caps = caps;
  }

  /** Discovers (or reuses) the binding's capabilities and returns the users client. */
  static async open(http: ScimHttp): Promise<ScimUsers> {
    return new ScimUsers(http, await scimCapabilities(http));
  }

  /** Path of one user. */
  pathOf(id: string): string {
    return `${this.caps.userEndpoint}/${encodeURIComponent(id)}`;
  }

  /** Whether writes carry `If-Match`. */
  get usesEtag(): boolean {
    return this.caps.etag && this.#http.ctx.config.useEtag;
  }

  /** Reads one user; 404 is `not_found`. */
  async get(id: string): Promise<VersionedUser> {
    const { value, answer } = await this.#http.read<ScimUser>(
      { method: 'GET', path: this.pathOf(id) },
      'user',
    );
    if (value.id !== id) {
      throw new SchemaDriftError('The SCIM server answered a read of one user with a different user.', {
        objectKind: 'user',
        context: this.#http.context({ status: answer.status }),
      });
    }
    return { user: value, version: value.meta?.version ?? answer.headers.get('etag') ?? undefined };
  }

  /**
   * One page of users from `cursor`, paging by what the server actually
   * returned (never by its `itemsPerPage`) and stopping at `totalResults`, on
   * an empty page, or on a short page when `totalResults` is missing.
   */
  async page(
    cursor: string | undefined,
    pageSize: number | undefined,
    filter?: string,
  ): Promise<ScimUserPage> {
    const { startIndex, previousFirstId } =
      cursor === undefined ? { startIndex: 1, previousFirstId: undefined } : decodeListCursor(cursor);
    const count = pageSize ?? this.#http.ctx.config.pageSize;
    const { value } = await this.#http.read<RawList>(
      {
        method: 'GET',
        path: this.caps.userEndpoint,
        query: { startIndex, count, ...(filter === undefined ? {} : { filter }) },
      },
      'userList',
    );
    const users = value.Resources ?? [];
    const first = users[0]?.id;
    if (startIndex > 1 && first !== undefined && first === previousFirstId) {
      throw new PermanentError(
        'The SCIM server returned the same page again: it ignores startIndex, so the list cannot be paged safely.',
        { context: this.#http.context() },
      );
    }
    const next = startIndex + users.length;
    const total = value.totalResults;
    const done = users.length === 0 || (total !== undefined ? next > total : users.length < count);
    return {
      users,
      nextCursor: done ? undefined : encodeListCursor({ startIndex: next, previousFirstId: first }),
    };
  }

  /**
   * Users whose `attribute` equals `value` (`userName` case-insensitively, as
   * RFC 7643 declares it). The server's filter result is checked client-side,
   * so a server that ignores or mis-parses the filter cannot widen the match;
   * when the server cannot filter (no filter support, or it rejects the
   * filter as invalid), or a value that needed escaping matched nothing, the
   * users are scanned page by page, up to `scanLimit`.
   */
  async find(attribute: 'userName' | 'externalId', value: string): Promise<ScimUser[]> {
    const same =
      attribute === 'userName'
        ? (u: ScimUser) => sameUserName(u.userName, value)
        : (u: ScimUser) => u.externalId === value;
    if (this.caps.filter) {
      try {
        const page = await this.page(undefined, this.#http.ctx.config.pageSize, scimEq(attribute, value));
        const found = page.users.filter(same);
        // Servers often mis-parse escapes: a value that needed escaping and matched nothing is
        // checked by a scan, so a buggy filter cannot make an existing account look absent.
        if (found.length > 0 || !needsEscaping(value)) return found;
        this.#http.ctx.logger.info(
          'lifeline scim: an escaped filter matched nothing; confirming client-side',
          {
            connector: this.#http.ctx.connector.id,
            tenant: this.#http.ctx.tenant,
          },
        );
      } catch (error) {
        const type = scimTypeOf(error);
        if (!isLifelineError(error, 'invalid_input') || (type !== 'invalidFilter' && type !== undefined))
          throw error;
        this.#http.ctx.logger.warn(
          'lifeline scim: the server rejected an escaped filter; matching client-side',
          {
            connector: this.#http.ctx.connector.id,
            tenant: this.#http.ctx.tenant,
          },
        );
      }
    }
    return this.#scan(same);
  }

  async #scan(keep: (user: ScimUser) => boolean): Promise<ScimUser[]> {
    const { scanLimit, pageSize } = this.#http.ctx.config;
    const found: ScimUser[] = [];
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await this.page(cursor, pageSize);
      seen += page.users.length;
      found.push(...page.users.filter(keep));
      cursor = page.nextCursor;
      if (cursor !== undefined && seen >= scanLimit) {
        throw new PermanentError(
          `The SCIM server cannot filter this lookup and has more than scanLimit (${scanLimit}) users to scan; raise scanLimit or fix the server's filter support.`,
          { context: this.#http.context() },
        );
      }
    } while (cursor !== undefined);
    return found;
  }

  /** Creates a user (POST); `uniqueness` conflicts are `already_exists`. */
  async create(body: Record<string, unknown>): Promise<ScimUser> {
    const { value } = await this.#http.read<ScimUser>(
      { method: 'POST', path: this.caps.userEndpoint, body },
      'user',
    );
    return value;
  }

  /**
   * Sets `active`: PATCH `replace active`, or PUT of the whole resource when
   * PATCH is unsupported. Sends `If-Match` only when the server advertises
   * ETags and the resource has a version. A 200 whose resource still has the
   * old value is an error, never a silent success.
   */
  async setActive(id: string, active: boolean): Promise<void> {
    const current = this.usesEtag || !this.caps.patch ? await this.get(id) : undefined;
    const ifMatch = this.usesEtag ? current?.version : undefined;
    const answer = await patchOrFallBack(
      this.#http,
      this.caps,
      this.pathOf(id),
      [{ op: 'replace', path: 'active', value: active }],
      ifMatch,
    );
    if (answer !== undefined) {
      if (answer.body !== undefined)
        this.#expectActive(this.#http.parse<ScimUser>(answer.body, 'user'), active);
      return;
    }
    const latest = current ?? (await this.get(id));
    await this.put(
      id,
      { ...forPut(latest.user), active },
      this.usesEtag ? latest.version : undefined,
      (user) => this.#expectActive(user, active),
    );
  }

  /** Replaces a user (PUT) and checks the answer with `verify`. */
  async put(
    id: string,
    body: Record<string, unknown>,
    ifMatch: string | undefined,
    verify: (user: ScimUser) => void,
  ): Promise<void> {
    const answer = await this.#http.send({ method: 'PUT', path: this.pathOf(id), body, ifMatch });
    if (answer.body !== undefined) verify(this.#http.parse<ScimUser>(answer.body, 'user'));
  }

  #expectActive(user: ScimUser, active: boolean): void {
    if (user.active !== undefined && user.active !== active) {
      throw new PermanentError(
        `The SCIM server accepted the change but the user is still ${user.active ? 'active' : 'inactive'}.`,
        { context: this.#http.context() },
      );
    }
  }

  /** Deletes a user; 404 is `not_found` (already absent). */
  async delete(id: string): Promise<void> {
    await this.#http.send({ method: 'DELETE', path: this.pathOf(id) });
  }
}
