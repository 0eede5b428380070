# RFC 9051 §6.1.2: NOOP is valid in any state.
C: a1 NOOP
S: a1 OK ~
