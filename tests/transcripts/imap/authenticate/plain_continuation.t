# RFC 9051 §6.2.2: without an initial response the server sends an empty challenge
# ("+ " and nothing else) and the client answers with the base64 response.
@user alice secret
C: a1 AUTHENTICATE PLAIN
S: +~
C: AGFsaWNlAHNlY3JldA==
S: a1 OK ~
