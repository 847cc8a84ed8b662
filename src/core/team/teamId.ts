// Team runs travel through the editor as "team:<run id>", so one request (a panel's series,
// a Compare of a local and a team run) can name both kinds and each goes to its own index.
export const TEAM_PREFIX = 'team:';

export function isTeamId(id: string): boolean {
  return id.startsWith(TEAM_PREFIX);
}

export function toTeamId(runId: string): string {
  return TEAM_PREFIX + runId;
}

/** The run id inside a "team:<id>" (an id without the prefix is returned as it is). */
export function fromTeamId(id: string): string {
  return isTeamId(id) ? id.slice(TEAM_PREFIX.length) : id;
}
