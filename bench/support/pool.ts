/** Runs `each` over `items` with `workers` concurrent loops. */
export async function pool<T>(
  items: readonly T[],
  workers: number,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await each(item);
      }
    }),
  );
}
