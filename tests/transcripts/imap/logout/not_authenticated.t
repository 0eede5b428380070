# RFC 9051 §6.1.3: LOGOUT is valid in every state.
C: a1 LOGOUT
S: * BYE ~
S: a1 OK ~
@closed
