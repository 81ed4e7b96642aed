/**
 * The configuration a router boots with when its config directory holds no startup-config:
 * IOS factory defaults (IKE enabled, the default protection suite, no keys), plus the
 * hostname. Everything else is left to the operator, as on a new router.
 */
export const DEFAULT_STARTUP_CONFIG = `!
! ikegate factory default configuration
!
hostname Router
!
end
`;
