# RFC 9051 §6.1.3: BYE before the tagged OK, then the server closes the connection.
C: A023 LOGOUT
S: * BYE ~
S: A023 OK ~
@closed
