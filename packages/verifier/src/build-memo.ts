/**
 * Views of one build that many checks read (its pod templates, Service selections, stack
 * containers), computed once per `runChecks` call instead of once per check.
 *
 * A memo scope is open only while `runChecks` runs the checks of one overlay (`buildMemoScope`):
 * checks must not change their context (`CheckContext`), so a view of `context.objects` computed by
 * one check is the view the next one would compute. Outside a scope (a test or a caller that calls
 * `podTemplates(objects)` itself, possibly after changing `objects`) nothing is memoised and every
 * call computes afresh. Memoised arrays are frozen, so a caller that would sort or extend one in
 * place fails loudly instead of changing what the next check reads.
 */

/** Memoised values of the open scope: key object → argument trie → value. */
let scope: WeakMap<object, Map<unknown, unknown>> | null = null;

/** The value marker in the argument trie (no argument can be it). */
const VALUE = Symbol('value');

/**
 * A new memo scope: the returned function runs `run` (synchronously) inside it, so that every run
 * through it shares the scope's values; other scopes (nested or not) share nothing with it. The
 * values are dropped with the function.
 */
export function buildMemoScope(): <T>(run: () => T) => T {
  const mine = new WeakMap<object, Map<unknown, unknown>>();
  return (run) => {
    const outer = scope;
    scope = mine;
    try {
      return run();
    } finally {
      scope = outer;
    }
  };
}

/**
 * `compute()`, memoised in the open scope under `key` (an object the value is a view of, such as a
 * build's objects array) and `parts` (compared by identity: the view's function, then its other
 * arguments); without a scope, `compute()`. An array result is frozen when memoised.
 */
export function memoised<T>(key: object, parts: readonly unknown[], compute: () => T): T {
  if (!scope) return compute();
  let node = scope.get(key);
  if (!node) scope.set(key, (node = new Map()));
  for (const part of parts) {
    let next = node.get(part) as Map<unknown, unknown> | undefined;
    if (!next) node.set(part, (next = new Map()));
    node = next;
  }
  if (node.has(VALUE)) return node.get(VALUE) as T;
  const value = compute();
  node.set(VALUE, Array.isArray(value) ? Object.freeze(value) : value);
  return value;
}
