/** What a command needs from the process: streams, working directory, environment. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Exit codes: 0 ok, 1 findings or drift, 2 usage or environment. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
