/**
 * Answers memoised per invocation: each invocation has one ApiClient, so keying by it keeps
 * what one run learnt (a job's id, an experiment) from leaking into another (tests run many
 * invocations in one process) and lets it go with the client.
 */

/**
 * Returns the memoised promise for `key` under `owner`, made by `load` on first ask. Only
 * answers are kept: once a load fails, the next ask loads again (a missing experiment may have
 * been created since, a failed call may succeed).
 */
export function memoFor<O extends object, T>(
  memo: WeakMap<O, Map<string, Promise<T>>>,
  owner: O,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  let byKey = memo.get(owner);
  if (!byKey) memo.set(owner, (byKey = new Map<string, Promise<T>>()));
  let value = byKey.get(key);
  if (!value) {
    const loading = load();
    byKey.set(key, loading);
    loading.catch(() => {
      if (byKey.get(key) === loading) byKey.delete(key);
    });
    value = loading;
  }
  return value;
}
