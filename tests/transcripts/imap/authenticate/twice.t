# RFC 9051 §6.2.2: AUTHENTICATE is only valid in the not authenticated state.
@user alice secret
C: a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
S: a1 OK ~
C: a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
S: a2 BAD ~
