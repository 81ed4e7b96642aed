/** Where ikegated listens and ikegate connects unless told otherwise. */
export const BUILTIN_CONTROL_PATH = '/run/ikegate/ikegated.sock';

/** The control socket path: $IKEGATE_CONTROL, else the built-in path. */
export function defaultControlPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.IKEGATE_CONTROL;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : BUILTIN_CONTROL_PATH;
}
