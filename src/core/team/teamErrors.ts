// Plain errors of the team index: what went wrong and what to do, naming the server as
// user@host:port/database and never a password (none is ever in the URL).
export type TeamErrorKind =
  | 'config' // no or a bad URL or folder
  | 'unreachable' // no server answers
  | 'auth' // wrong or missing password, unknown user
  | 'noSchema' // trackside team init was never run
  | 'oldSchema' // team init of this version not run yet
  | 'newSchema' // a newer Trackside upgraded the index
  | 'readOnly' // a trackside_reader tried to write
  | 'lost' // the connection broke mid-way (a server restart)
  | 'conflict'; // another run under the same id

export class TeamError extends Error {
  constructor(
    readonly kind: TeamErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TeamError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

interface PgLikeError {
  code?: string;
  message?: string;
  routine?: string;
}

/**
 * The error a team operation met, as a TeamError when it is one of the known situations
 * (others come back unchanged). `target` is "user@host:port/database"; `writing` says
 * whether a refused privilege means a read-only role.
 */
export function teamError(e: unknown, target: string, writing = false): unknown {
  if (e instanceof TeamError) return e;
  const err = (e ?? {}) as PgLikeError;
  const code = err.code ?? '';
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (NETWORK_CODES.has(code) || /timeout expired|Connection terminated due to connection timeout/i.test(message)) {
    return new TeamError('unreachable', `cannot reach the team index at ${target} (${code || 'timed out'}): runs stay local; push again when it answers`);
  }
  if (/Connection terminated|terminating connection|server closed the connection|Client has encountered a connection error/i.test(message) || code === '57P01' || code === '57P02' || code === '57P03') {
    return new TeamError('lost', `the connection to the team index at ${target} was lost (${code === '57P03' ? 'the server is starting up' : 'server restarted or network down'}): what was sent before is kept; push again to send the rest`);
  }
  if (code === '28P01' || code === '28000' || /password must be a string|SASL: SCRAM|no password/i.test(message)) {
    const missing = /must be a string|no password/i.test(message);
    return new TeamError(
      'auth',
      missing
        ? `the team index at ${target} asks for a password and none was given: set PGPASSWORD, add it to ~/.pgpass, or use "Trackside: Connect to Team Index…"`
        : `the team index at ${target} refused the login (wrong password or unknown user)`,
    );
  }
  if (code === '3D000') return new TeamError('config', `the team index at ${target}: the database does not exist`);
  if (code === '3F000' || (code === '42P01' && /trackside|relation "(runs|migrations)/.test(message))) {
    return new TeamError('noSchema', `the team index at ${target} has no Trackside schema yet: run "trackside team init" (as an administrator)`);
  }
  if (code === '42501') {
    return writing
      ? new TeamError('readOnly', `the team index at ${target} lets this user only read (trackside_reader): an administrator can GRANT trackside_writer TO ${target.split('@')[0]}`)
      : new TeamError('auth', `the team index at ${target} lets this user not read it: an administrator can GRANT trackside_reader TO ${target.split('@')[0]}`);
  }
  return e;
}
