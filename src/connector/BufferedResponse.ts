/**
 * A `Response` whose body is already in memory (what {@link nodeHttpFetch}
 * returns). Every standard accessor works — `body`, `text()`, `json()`,
 * `arrayBuffer()`, `blob()`, `formData()`, `clone()`, `bodyUsed` — through a
 * real `Response` made on first use; Lifeline's own readers take the bytes
 * directly ({@link takeBufferedBody}) and never build a stream, which is most of
 * what a `Response` costs.
 *
 * @example
 * ```ts
 * const response = BufferedResponse.of(Buffer.from('{"ok":true}'), { status: 200 });
 * await response.json(); // { ok: true }
 * ```
 */
// The DOM typings declare Response's body methods as properties, which a class cannot
// override with methods; at run time this is the real Response, so `instanceof` holds.
const ResponseBase = Response as unknown as new (body: null, init: ResponseInit) => object;

export class BufferedResponse extends ResponseBase {
  #bytes: Uint8Array | null;
  #init: ResponseInit;
  #inner: Response | undefined;
  #taken = false;

  constructor(bytes: Uint8Array | null, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
  }

  /** A new one, typed as the `Response` it is. */
  static of(bytes: Uint8Array | null, init: ResponseInit): Response {
    return new BufferedResponse(bytes, init) as unknown as Response;
  }

  /** The real `Response` behind the standard body API, made once. */
  #real(): Response {
    if (this.#inner === undefined) {
      this.#inner = new Response(this.#taken ? null : this.#bytes, this.#init);
      this.#bytes = null;
    }
    return this.#inner;
  }

  /** The bytes, once: later reads see a used body (undefined when already used or streamed). */
  take(): Uint8Array | null | undefined {
    if (this.#taken || this.#inner !== undefined) return undefined;
    this.#taken = true;
    const bytes = this.#bytes;
    this.#bytes = null;
    return bytes;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#real().body;
  }
  get bodyUsed(): boolean {
    return this.#taken || (this.#inner?.bodyUsed ?? false);
  }
  text(): Promise<string> {
    return this.#real().text();
  }
  json(): Promise<unknown> {
    return this.#real().json();
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#real().arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.#real().blob();
  }
  formData(): Promise<FormData> {
    return this.#real().formData();
  }
  clone(): Response {
    return this.#real().clone();
  }
}

/**
 * The body of a {@link BufferedResponse} as bytes, taking it (the response then
 * counts as used); `undefined` for any other response, or one whose body was
 * already read, so the caller reads the stream as usual.
 *
 * @example
 * ```ts
 * const bytes = takeBufferedBody(response);
 * const text = bytes === undefined ? await response.text() : Buffer.from(bytes).toString('utf8');
 * ```
 */
export function takeBufferedBody(response: Response): Uint8Array | null | undefined {
  return (response as unknown) instanceof BufferedResponse
    ? (response as unknown as BufferedResponse).take()
    : undefined;
}
