// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type HooksListEntry = { cwd: string, hooks: Array<unknown>, warnings: Array<string>, errors: Array<unknown>, };
