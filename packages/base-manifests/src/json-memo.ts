/**
 * Memos keyed by the JSON text of their input, for pure functions of plain JSON values (compose
 * renders the same patch bodies and objects for many sites). A hit returns the value computed
 * before, so results must be immutable (strings).
 */

/**
 * `compute` memoised by `JSON.stringify(input)`. Inputs must be plain JSON data (no undefined
 * inside arrays, no NaN, no class instances), for which the JSON text is a faithful key; an input
 * whose JSON text is undefined (a function, undefined itself) is computed every time.
 * @param limit entries kept before the memo starts afresh (a bound on memory).
 * @returns a function with `compute`'s answers.
 */
export function memoByJson<T>(compute: (input: any) => T, limit: number): (input: unknown) => T {
  const memo = new Map<string, T>();
  return (input: unknown): T => {
    const key = JSON.stringify(input) as string | undefined;
    if (key === undefined) return compute(input);
    if (memo.has(key)) return memo.get(key)!;
    const value = compute(input);
    if (memo.size >= limit) memo.clear();
    memo.set(key, value);
    return value;
  };
}
