# RFC 9051 §6.2.2: invalid base64 in a response MUST be rejected with BAD.
@user alice secret
C: a1 AUTHENTICATE PLAIN
S: +~
C: %%%%%%
S: a1 BAD ~
