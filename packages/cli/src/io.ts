/**
 * What a command needs from the process: streams, working directory, environment, standard input.
 * The bin passes the real process's; tests pass their own and run `main` in process.
 */
export interface CommandIo {
  /** Absolute working directory: relative paths on the command line resolve against it. */
  cwd: string;
  /** The environment every setting is read from (`KUSTOMIZE`, `CLEARML_K8S_LOCK_WAIT`, …). */
  env: NodeJS.ProcessEnv;
  /** `isTTY` turns on colours and progress; `columns` is the width help text is wrapped to (default 80). */
  stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /**
   * Standard input as text, for `check -`. Unset: the process's standard input (file descriptor 0),
   * read only when a command asks for it.
   */
  stdin?: string;
}

/** Exit codes: 0 ok, 1 findings or drift, 2 usage or environment. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
