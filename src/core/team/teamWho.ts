// Who pushes: the OS user and the host, recorded with each team run and model version.
import { hostname, userInfo } from 'node:os';

export interface Pusher {
  user: string;
  host: string;
}

export function pusher(env: NodeJS.ProcessEnv = process.env): Pusher {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME ?? 'unknown';
  }
  return { user, host: hostname() };
}
