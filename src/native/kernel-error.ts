/**
 * How the addon's kernel sockets (XFRM and route netlink, PF_KEY) reject: a kernel refusal or
 * a failed system call, `code` the errno name, `operation` the message (XFRM_MSG_NEWSA,
 * SADB_ADD, RTM_NEWROUTE).
 */
export interface KernelError extends Error {
  code: string;
  errno: number;
  operation: string;
  /** Set when the failure was on this side of the socket (recvmsg ETIMEDOUT). */
  syscall?: string;
  /** The kernel's extended ack text, when netlink gave one. */
  kernelMessage?: string;
}

export function isKernelError(value: unknown): value is KernelError {
  return value instanceof Error && typeof (value as Partial<KernelError>).code === 'string' && typeof (value as Partial<KernelError>).operation === 'string';
}

/** The rejection for a request made on a socket already closed. */
export function closedSocketError(socket: string, operation: string): KernelError {
  return Object.assign(new Error(`${operation}: the ${socket} socket is closed (EBADF)`), { code: 'EBADF', errno: 9, operation });
}
